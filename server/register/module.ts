import { Router } from 'express';
import type { Kernel } from '../core/kernel';
import type { Feature } from '../core/feature';
import type { Agents } from '../core/realtime/agents';
import type { Channel } from '../contracts/names';
import type { ChannelSender } from '../inbound/contract';
import { pushInquiriesToAgents } from './agent-pushes';
import { AttachmentPolicy, attachmentPolicyRouteDocs, attachmentPolicyRoutes } from './attachment-policy';
import { AttachmentRepository } from './attachments.repository';
import { attachmentRouteDocs, attachmentRoutes } from './attachments.routes';
import { AutomaticMessages } from './automatic-messages';
import { caseRouteDocs, caseRoutes } from './cases.routes';
import { CaseRepository } from './cases.repository';
import { CaseService } from './cases.service';
import { contactRouteDocs, contactRoutes } from './contacts.routes';
import { ContactRepository } from './contacts.repository';
import { ContactService } from './contacts.service';
import { departmentRouteDocs, departmentRoutes } from './departments.routes';
import { DepartmentRepository } from './departments.repository';
import { DepartmentService } from './departments.service';
import { RegisterEvents } from './events';
import { inquiryRouteDocs, inquiryRoutes } from './inquiries.routes';
import { SearchService } from './search.service';
import { searchRouteDocs, searchRoutes } from './search.routes';
import { InquiryRepository } from './inquiries.repository';
import { InquiryService } from './inquiries.service';
import { MessageRepository } from './messages.repository';
import { MessageStatusService } from './message-status.service';
import type { StaffDirectory } from './staff';

export type { Inquiry, Message, Contact, CaseFile, MessageEvent } from './entities';
export type { Department, DepartmentAddress, OpeningHours } from './departments.entities';
export type { RegisterEvents } from './events';
export type { ContactRepository } from './contacts.repository';
export type { CaseRepository, NamedCase } from './cases.repository';
export type { InquiryRepository } from './inquiries.repository';
export type { MessageRepository } from './messages.repository';
export type { DepartmentRepository } from './departments.repository';
export type { MessageStatusService, StatusReport } from './message-status.service';
export type { CallerContext, ContactService } from './contacts.service';
export type { CaseService } from './cases.service';
export type { AutomaticMessages } from './automatic-messages';
export type { AttachmentRepository, AttachmentContent, AttachmentInput } from './attachments.repository';
export type { Attachment } from './attachments.entities';
export type { AttachmentPolicy } from './attachment-policy';
export { checkAttachment, cleanFilename, type AttachmentType, type AttachmentVerdict } from './attachment-types';
export { checkAttachmentFile } from './attachment-file';
export type { StaffDirectory, StaffMember } from './staff';
export { SWITCHBOARD } from './departments.repository';
export { caseBody, caseNumberParam } from './schemas';
export { replaceableBy } from './message-status.service';
export { ContactEmailEntity, ContactEntity, InquiryEntity, MessageEntity } from './entities';
export type { ContactKey } from './contacts.repository';
export { newestOf } from './inquiries.repository';
export type { Continuation } from './inquiries.repository';

/**
 * The one register: departments, contacts, cases, inquiries and their messages with every
 * status event. Every channel writes into it (through the inbound feature) and reads from it.
 */
export interface Register extends Feature {
  events: RegisterEvents;
  departments: DepartmentRepository;
  contacts: ContactRepository;
  cases: CaseRepository;
  inquiries: InquiryRepository;
  messages: MessageRepository;
  /** Files of e-mails and web forms. */
  attachments: AttachmentRepository;
  /** Which file types citizens may send (e-mail and web forms alike). */
  attachmentPolicy: AttachmentPolicy;
  departmentService: DepartmentService;
  contactService: ContactService;
  caseService: CaseService;
  messageStatus: MessageStatusService;
  /** Receipts and other messages the server writes by itself into an inquiry. */
  automaticMessages: AutomaticMessages;
}

export function createRegister(kernel: Kernel, deps: { staff: StaffDirectory; agents: Agents }): Register {
  const { db, clock, logger, audit, config } = kernel;
  const { defaultCountry } = config;
  const events = new RegisterEvents((event, err) => logger.error({ err, event }, 'register event listener failed'));
  const departments = new DepartmentRepository({ db, clock });
  const contacts = new ContactRepository({ db, clock });
  const cases = new CaseRepository({ db });
  const inquiries = new InquiryRepository({ db });
  const messages = new MessageRepository({ db, clock });
  const attachments = new AttachmentRepository({ db });
  const attachmentPolicy = new AttachmentPolicy({ db, audit, clock });
  const departmentService = new DepartmentService({ db, departments, audit });
  const contactService = new ContactService({ db, contacts, cases, inquiries, departments, audit, defaultCountry });
  const caseService = new CaseService({ db, cases, contacts, departments, users: deps.staff, audit, defaultCountry, clock });
  pushInquiriesToAgents(events, deps.agents);

  const api = Router();
  api.use(departmentRoutes({ departments: departmentService }));
  api.use(caseRoutes({ cases: caseService }));
  api.use(contactRoutes({ contacts: contactService }));
  api.use(attachmentRoutes({ attachments, messages, inquiries, audit, logger }));
  api.use(attachmentPolicyRoutes({ policy: attachmentPolicy }));
  return {
    events,
    departments,
    contacts,
    cases,
    inquiries,
    messages,
    attachments,
    attachmentPolicy,
    departmentService,
    contactService,
    caseService,
    messageStatus: new MessageStatusService({ db, messages, clock, metrics: kernel.metrics }),
    automaticMessages: new AutomaticMessages({ db, messages, events, clock, logger }),
    routes: { api, docs: [...departmentRouteDocs, ...caseRouteDocs, ...contactRouteDocs, ...attachmentRouteDocs, ...attachmentPolicyRouteDocs] },
  };
}

/**
 * Staff at work on inquiries: lists, timelines, assignment, notes, and replies on the inquiry's
 * own channel. Built last, once every channel that can carry a reply exists.
 */
export function createInquiryDesk(
  kernel: Kernel,
  deps: { register: Register; staff: StaffDirectory; senders: Partial<Record<Channel, ChannelSender>> },
): Feature & { inquiries: InquiryService } {
  const { register } = deps;
  const inquiries = new InquiryService({
    db: kernel.db,
    inquiries: register.inquiries,
    messages: register.messages,
    contacts: register.contacts,
    cases: register.cases,
    departments: register.departments,
    users: deps.staff,
    audit: kernel.audit,
    attachments: register.attachments,
    events: register.events,
    senders: deps.senders,
    clock: kernel.clock,
  });
  const search = new SearchService({
    contacts: register.contacts,
    contactService: register.contactService,
    caseService: register.caseService,
    inquiries,
    defaultCountry: kernel.config.defaultCountry,
  });
  const api = Router();
  api.use(inquiryRoutes({ inquiries }));
  api.use(searchRoutes({ search }));
  // Contacts stored before the search keys existed (or bulk-loaded) get them in the background.
  void register.contacts.fillNameKeys().then(
    (n) => n && kernel.logger.info({ contacts: n }, 'search keys filled for contacts stored without them'),
    (err: unknown) => kernel.logger.error({ err }, 'filling contacts’ search keys failed; the search box misses their names until the next start'),
  );
  return { inquiries, routes: { api, docs: [...inquiryRouteDocs, ...searchRouteDocs] } };
}
