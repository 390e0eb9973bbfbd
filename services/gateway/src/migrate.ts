import { runProcess } from '@relay/platform';
import { migrateGateway } from './app.ts';
import { loadGatewayConfig } from './config.ts';

runProcess('gateway-migrate', async () => {
  await migrateGateway(loadGatewayConfig());
  console.log('gateway   migrations applied');
});
