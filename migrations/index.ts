import { CreateStaff1732000000001 } from './1732000000001-CreateStaff';
import { CreateContacts1732000000002 } from './1732000000002-CreateContacts';
import { CreateCases1732000000003 } from './1732000000003-CreateCases';
import { CreateInquiries1732000000004 } from './1732000000004-CreateInquiries';
import { CreateAudit1732000000005 } from './1732000000005-CreateAudit';
import { CreateSmsStopList1732000000006 } from './1732000000006-CreateSmsStopList';
import { CreateSmsGroups1732000000007 } from './1732000000007-CreateSmsGroups';
import { CreateJobs1732100000001 } from './1732100000001-CreateJobs';
import { CreateSmsSends1732100000002 } from './1732100000002-CreateSmsSends';
import { CreateSmsPolicy1732100000003 } from './1732100000003-CreateSmsPolicy';
import { CreateJournal1732100000004 } from './1732100000004-CreateJournal';
import { CreateCalls1732200000001 } from './1732200000001-CreateCalls';
import { CreateCaseStatusVerifications1732200000002 } from './1732200000002-CreateCaseStatusVerifications';
import { CreateMailState1732300000001 } from './1732300000001-CreateMailState';
import { CreateWebForms1732300000002 } from './1732300000002-CreateWebForms';
import { CreateRateLimits1732400000001 } from './1732400000001-CreateRateLimits';
import { CreateApiKeysAndTotpRoles1732400000002 } from './1732400000002-CreateApiKeysAndTotpRoles';
import { CreateOutboundHosts1732400000010 } from './1732400000010-CreateOutboundHosts';
import { CaseStatusLimits1732412000001 } from './1732412000001-CaseStatusLimits';
import { CreateSmsLimits1732412000002 } from './1732412000002-CreateSmsLimits';
import { PasswordChangeRequired1732420000001 } from './1732420000001-PasswordChangeRequired';
import { InquiryReferencesAndCaseMentions1732430000001 } from './1732430000001-InquiryReferencesAndCaseMentions';
import { BinaryAddressCollation1732430000002 } from './1732430000002-BinaryAddressCollation';
import { AttachmentChunks1732440000001 } from './1732440000001-AttachmentChunks';
import { CreateAttachmentTypes1732440000002 } from './1732440000002-CreateAttachmentTypes';
import { BinaryUserEmails1732450000001 } from './1732450000001-BinaryUserEmails';
import { DropAuthFailures1732450000002 } from './1732450000002-DropAuthFailures';
import { DropUnusedVerificationIndexes1732450000003 } from './1732450000003-DropUnusedVerificationIndexes';
import { CreateAlerts1732455000001 } from './1732455000001-CreateAlerts';
import { CreateAddressSearchWords1732460000001 } from './1732460000001-CreateAddressSearchWords';
import { CreateAlertCodesAndConsents1732470000001 } from './1732470000001-CreateAlertCodesAndConsents';
import { CreateBroadcasts1732480000001 } from './1732480000001-CreateBroadcasts';
import { CreateReminders1732490000001 } from './1732490000001-CreateReminders';
import { CreateSmsSeries1732500000001 } from './1732500000001-CreateSmsSeries';
import { ContactNameKeys1732515000001 } from './1732515000001-ContactNameKeys';
import { IndexMessagesCreatedAt1732510000001 } from './1732510000001-IndexMessagesCreatedAt';
import { CreateBackupRuns1732550000001 } from './1732550000001-CreateBackupRuns';
import { ProtectAuditTrail1732540000001 } from './1732540000001-ProtectAuditTrail';
import { CreateRetention1732540000002 } from './1732540000002-CreateRetention';
import { JobPriority1732520000001 } from './1732520000001-JobPriority';
import { IndexSmsVolume1732520000002 } from './1732520000002-IndexSmsVolume';
import { CreateRosters1732530000001 } from './1732530000001-CreateRosters';

/** Listed by hand, in order, so the same set runs under tsx, jest and the TypeORM CLI. */
export const migrations = [
  CreateStaff1732000000001,
  CreateContacts1732000000002,
  CreateCases1732000000003,
  CreateInquiries1732000000004,
  CreateAudit1732000000005,
  CreateSmsStopList1732000000006,
  CreateSmsGroups1732000000007,
  CreateJobs1732100000001,
  CreateSmsSends1732100000002,
  CreateSmsPolicy1732100000003,
  CreateJournal1732100000004,
  CreateCalls1732200000001,
  CreateCaseStatusVerifications1732200000002,
  CreateMailState1732300000001,
  CreateWebForms1732300000002,
  CreateRateLimits1732400000001,
  CreateApiKeysAndTotpRoles1732400000002,
  CreateOutboundHosts1732400000010,
  CaseStatusLimits1732412000001,
  CreateSmsLimits1732412000002,
  PasswordChangeRequired1732420000001,
  InquiryReferencesAndCaseMentions1732430000001,
  BinaryAddressCollation1732430000002,
  AttachmentChunks1732440000001,
  CreateAttachmentTypes1732440000002,
  BinaryUserEmails1732450000001,
  DropAuthFailures1732450000002,
  DropUnusedVerificationIndexes1732450000003,
  CreateAlerts1732455000001,
  CreateAddressSearchWords1732460000001,
  CreateAlertCodesAndConsents1732470000001,
  CreateBroadcasts1732480000001,
  CreateReminders1732490000001,
  CreateSmsSeries1732500000001,
  IndexMessagesCreatedAt1732510000001,
  ContactNameKeys1732515000001,
  JobPriority1732520000001,
  IndexSmsVolume1732520000002,
  CreateRosters1732530000001,
  ProtectAuditTrail1732540000001,
  CreateRetention1732540000002,
  CreateBackupRuns1732550000001,
];
