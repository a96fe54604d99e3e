/** YAML with positions, zod issues as "expected …, got …", and "did you mean": for every loader of a YAML file. */
export {
  describeValue,
  formatLocated,
  formatPath,
  type KeyPath,
  type LocatedProblem,
  type PathSegment,
  type Position,
  type Problem,
} from './problem.js';
export {
  formatSourced,
  type ProblemSource,
  plainSource,
  type SourcedProblem,
  where,
} from './problem-source.js';
export { parseYamlSource } from './yaml-source.js';
export { zodProblems } from './zod-problems.js';
