import { type Agents, rooms } from '../core/realtime/agents';
import { toSummary } from '../core/summary';
import type { RegisterEvents } from './events';

/** inquiry:new and inquiry:updated to the agents of the inquiry's department (and admins), after commit. */
export function pushInquiriesToAgents(events: RegisterEvents, agents: Agents): void {
  events.on('inquiry:opened', ({ inquiry, contact, departmentCode, caseNumber, mentionedCaseNumber }) => {
    agents.to(rooms.department(inquiry.departmentId), rooms.everything).emit('inquiry:new', {
      id: inquiry.id,
      channel: inquiry.channel,
      department: departmentCode,
      contact,
      summary: inquiry.summary,
      caseNumber,
      // Flags for the agent, only when set: a case the sender only named, an inquiry it wrote into uninvited.
      ...(mentionedCaseNumber ? { mentionedCaseNumber } : {}),
      ...(inquiry.refersToInquiryId !== null ? { refersToInquiryId: inquiry.refersToInquiryId } : {}),
      createdAt: inquiry.createdAt.toISOString(),
    });
  });

  events.on('inquiry:updated', ({ inquiry, message }) => {
    agents
      .to(rooms.department(inquiry.departmentId), rooms.everything)
      .emit('inquiry:updated', { id: inquiry.id, summary: toSummary(message.body, message.subject) });
  });

  // A move reaches the department it left as well, so the inquiry's row there stops looking unclaimed.
  events.on('inquiry:changed', ({ view, previousDepartmentId, departmentId, byUserId }) => {
    const departments = new Set([previousDepartmentId, departmentId]);
    agents.to(...[...departments].map(rooms.department), rooms.everything).emit('inquiry:updated', {
      id: view.id,
      summary: view.summary,
      state: view.state,
      department: view.department,
      assignee: view.assignee,
      byUserId,
    });
  });
}
