import type { ChannelModule } from '../channels/types';
import { emailChannel, type EmailChannelOptions } from '../channels/email/module';
import { webFormChannel, type WebFormOptions } from '../channels/web-form/module';
import type { Channel } from './db/entities';
import type { CoreGraph } from './index';

export interface ChannelOptions {
  email?: EmailChannelOptions;
  web?: WebFormOptions;
}

/**
 * The channels this server runs, each real or simulated by config. One line per channel: a
 * channel branch adds its own line here, and a later channel can find an earlier one's sender.
 */
export function buildChannels(core: CoreGraph, opts: ChannelOptions = {}): ChannelModule[] {
  const modules: ChannelModule[] = [];
  const senderOf = (channel: Channel) => modules.find((m) => m.channel === channel)?.sender;
  modules.push(emailChannel(core, opts.email));
  modules.push(webFormChannel(core, senderOf, opts.web));
  return modules;
}
