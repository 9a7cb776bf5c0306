import type { SmsFeature } from '../../sms/module';
import type { ReminderSends } from './sends';

/*
 * The reminder modules' port on the SMS feature's one send engine: an audience of subscribers
 * narrowed to the text's language, or the numbers the module matched. The send is made for the
 * staff member who put the schedule or notice in (its audit and the sends list show them), with
 * an admin's reach so the alerts department's number may be used; approval and quiet hours apply
 * as to any send. An audience with nobody in it (in that language) is no send.
 */
export function engineReminderSends(sms: SmsFeature): ReminderSends {
  return {
    async send(req) {
      if (req.requestedBy === null) throw new Error('a reminder send needs the staff member it is made for');
      const audience = req.audience ? { subscribers: { ...req.audience.subscribers, languages: [req.language] } } : undefined;
      const emergency = req.emergency === true;
      if (audience && !(await sms.broadcast.members(audience, emergency, 1)).length) return { id: null };
      const actor = { id: req.requestedBy, name: 'reminders', email: '', role: 'admin' as const, departmentIds: [], totpEnabled: true };
      const to = (req.to ?? []).map((phone) => ({ phone, name: null }));
      const r = await sms.sends.send(actor, { to, body: req.body, from: req.from ?? undefined, audience, emergency }, `reminder ${req.key}`);
      return { id: r.send.id };
    },
  };
}
