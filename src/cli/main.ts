/** Entry point of the `propsync` binary. */
import { main } from './program.js';

process.exitCode = await main(process.argv);
