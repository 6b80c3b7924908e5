/** Task factories of the kernel role's own modules. */
import { taskFactory } from '../../../src/index.ts';
import { grubCmdlineModule } from './grub.ts';

/** Wanted tokens in GRUB_CMDLINE_LINUX (token-wise edit of /etc/default/grub). */
export const grubCmdline = taskFactory(grubCmdlineModule);
