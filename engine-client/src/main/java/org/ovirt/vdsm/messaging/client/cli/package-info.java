/**
 * The {@code vdsm-client} command-line tool, on the public API of the engine client only: {@link
 * org.ovirt.vdsm.messaging.client.cli.VdsmClientMain} (options, flow, exit codes, signals), {@code
 * ApiHelp} and {@code Suggestions} (what the bundled schema lists, "did you mean"), {@code
 * CallParams} ({@code name=value} and {@code -f} params, checked against the schema), {@code
 * ClientIdentity} and {@code EngineLayoutView} (which certificate is presented), {@code
 * FailureAdvice} (one line per connection or TLS failure), {@code EventStream} ({@code --events}).
 */
package org.ovirt.vdsm.messaging.client.cli;
