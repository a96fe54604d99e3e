/** Entry point of the `propsync` binary. */
import { endQuietlyOnClosedOutput } from './closed-output.js';
import { main } from './program.js';

endQuietlyOnClosedOutput();
process.exitCode = await main(process.argv);
