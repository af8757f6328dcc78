package org.ovirt.vdsm.messaging.schema;

/**
 * A schema document that cannot be loaded: not YAML, or YAML that breaks a rule of the schema
 * language (an unknown type, a duplicate name, a missing description, ...). The message names the
 * source, the line when known, and the spot ({@code method VM.create, parameter 'vmID'}).
 */
public final class SchemaException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public SchemaException(String message) {
    super(message);
  }

  public SchemaException(String message, Throwable cause) {
    super(message, cause);
  }
}
