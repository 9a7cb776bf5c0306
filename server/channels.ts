import type { ChannelModule } from '../channels/types';
import { emailChannel, type EmailChannelOptions } from '../channels/email/module';
import type { CoreGraph } from './index';

export interface ChannelOptions {
  email?: EmailChannelOptions;
}

/**
 * The channels this server runs, each real or simulated by config. One line per channel: a
 * channel branch adds its own line here, and a later channel can find an earlier one's sender.
 */
export function buildChannels(core: CoreGraph, opts: ChannelOptions = {}): ChannelModule[] {
  const modules: ChannelModule[] = [];
  modules.push(emailChannel(core, opts.email));
  return modules;
}
