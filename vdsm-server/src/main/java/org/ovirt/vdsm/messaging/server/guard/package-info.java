/**
 * Server-wide defences of the host port, shared by every protocol on it: connection limits (in
 * total and per peer address), memory budgets for partial frames and pending writes, the deadline
 * for completing a STOMP frame once started, and the judgement of a peer that does not read. The
 * bounds are {@link org.ovirt.vdsm.messaging.server.guard.GuardSettings}; the live counts are {@link
 * org.ovirt.vdsm.messaging.server.guard.ServerBudgets}.
 */
package org.ovirt.vdsm.messaging.server.guard;
