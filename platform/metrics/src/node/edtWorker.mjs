// Worker entry for the EDT pool. The engine is TypeScript run through tsx, whose loader hooks
// are not inherited by worker threads: register them here, then load the worker body.
import { register } from 'tsx/esm/api';

register();
await import('./edtWorker.ts');
