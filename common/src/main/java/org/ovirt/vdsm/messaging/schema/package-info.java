/**
 * The machine-readable schema of the VDSM host API and its validator.
 *
 * <p>{@link org.ovirt.vdsm.messaging.schema.ApiSchema#vdsm()} loads the bundled document {@code
 * vdsm-api.yml} (YAML, read with snakeyaml-engine): named {@linkplain
 * org.ovirt.vdsm.messaging.schema.TypeSchema types} (aliases, enums, objects, maps, unions, lists
 * and the primitives string, int, long, float, boolean, any), {@linkplain
 * org.ovirt.vdsm.messaging.schema.MethodSchema methods} {@code Namespace.verb} with positional,
 * typed parameters, defaults, results and the {@linkplain org.ovirt.vdsm.messaging.schema.Subsystem
 * subsystem} that runs them, and {@linkplain org.ovirt.vdsm.messaging.schema.EventSchema events}.
 *
 * <p>{@link org.ovirt.vdsm.messaging.schema.SchemaValidator} checks request params before a call
 * (answering {@code -32601} or {@code -32602} as values, never exceptions) and, strictly, results
 * and events in tests.
 */
package org.ovirt.vdsm.messaging.schema;
