/** YAML with positions, zod issues as "expected …, got …", and "did you mean": for every loader of a YAML file. */
export { didYouMean } from './did-you-mean.js';
export {
  describeValue,
  formatLocated,
  formatPath,
  formatWhere,
  type KeyPath,
  type LocatedProblem,
  type PathSegment,
  type Position,
  type Problem,
  valueAt,
} from './problem.js';
export {
  formatSourced,
  type ProblemSource,
  plainSource,
  type SourcedProblem,
  where,
} from './problem-source.js';
export { parseYamlSource, type YamlSource, type YamlSourceOptions } from './yaml-source.js';
export { type ZodProblemOptions, zodProblems } from './zod-problems.js';
