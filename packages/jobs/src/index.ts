export {
  type JobDefinition,
  JobQueue,
  type JobWorkerOptions,
  jobsEnv,
  startJobWorker,
} from './jobs.ts';
