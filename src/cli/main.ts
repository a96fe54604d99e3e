/** Entry point of the `propsync` binary. */
import { processEnv } from '../core/process-env.js';
import { endQuietlyOnClosedOutput } from './closed-output.js';
import { tuneHeap } from './heap-tuning.js';
import { main } from './program.js';

tuneHeap(processEnv());
endQuietlyOnClosedOutput();
process.exitCode = await main(process.argv);
