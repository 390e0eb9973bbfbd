import { runProcess } from '@relay/platform';
import { migrateConvert } from './app.ts';
import { loadConvertConfig } from './config.ts';

runProcess('convert-migrate', async () => {
  await migrateConvert(loadConvertConfig());
  console.log('convert   migrations applied');
});
