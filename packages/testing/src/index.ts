export { type EntryPointResult, runEntryPoint } from './entry-point.ts';
