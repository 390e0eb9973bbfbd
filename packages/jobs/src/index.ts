export {
  type JobDefinition,
  JobQueue,
  type JobWorkerOptions,
  jobsEnv,
  redisConnection,
  startJobWorker,
} from './jobs.ts';
