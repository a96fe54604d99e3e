/** Entry point of the `propsync` binary. */
import { endQuietlyOnClosedOutput } from './closed-output.js';
import { tuneHeap } from './heap-tuning.js';
import { main } from './program.js';

tuneHeap();
endQuietlyOnClosedOutput();
process.exitCode = await main(process.argv);
