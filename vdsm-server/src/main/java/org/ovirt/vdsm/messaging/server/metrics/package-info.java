/**
 * The host's metrics: {@link org.ovirt.vdsm.messaging.server.metrics.ServerMetrics}, the small
 * observer the dispatcher and the connection handlers report to (a no-op unless metrics are on),
 * its Micrometer implementation {@link org.ovirt.vdsm.messaging.server.metrics.ServerMeters}, and
 * {@link org.ovirt.vdsm.messaging.server.metrics.MetricsEndpoint}, the opt-in loopback HTTP port
 * that serves them in Prometheus text format ({@code GET /metrics}). The families are listed in
 * {@code docs/operations.md}.
 */
package org.ovirt.vdsm.messaging.server.metrics;
