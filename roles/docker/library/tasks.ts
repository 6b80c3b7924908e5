/** Task factories of the docker role's own modules. */
import { taskFactory } from '../../../src/index.ts';
import { dockerDaemonJsonModule, dockerEngineCheckModule } from './docker.ts';

/** /etc/docker/daemon.json as canonical JSON. */
export const dockerDaemonJson = taskFactory(dockerDaemonJsonModule);
/** Fail early when the installed engine cannot take the options. */
export const dockerEngineCheck = taskFactory(dockerEngineCheckModule);
