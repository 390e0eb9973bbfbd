export {
  type JobAttempt,
  type JobDefinition,
  JobQueue,
  type JobWorkerOptions,
  jobsEnv,
  onJobFailed,
  startJobWorker,
} from './jobs.ts';
