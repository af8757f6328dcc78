/**
 * Optional Micrometer metrics of the engine client: {@link
 * org.ovirt.vdsm.messaging.client.metrics.EngineClientMetrics}. The only package of the client that
 * uses Micrometer, which is an optional dependency: an engine that does not call into this package
 * needs no Micrometer on its class path.
 */
package org.ovirt.vdsm.messaging.client.metrics;
