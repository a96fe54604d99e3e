/** Adapts a loaded mapping to the engine's RecordMapper port: now a kind's (src/kinds/mapper.ts). */
export { mapperFromMapping } from '../kinds/mapper.js';
