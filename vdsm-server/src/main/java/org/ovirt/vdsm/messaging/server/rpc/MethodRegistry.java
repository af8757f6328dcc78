package org.ovirt.vdsm.messaging.server.rpc;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The one place where host API methods are registered: {@code Namespace.verb} to an {@link
 * ApiMethod} and the names of its parameters in order (for calls with positional parameters). A
 * packager plugs a real backend in by registering its methods here; the messaging code does not
 * change.
 */
public final class MethodRegistry {

  /** A registered method. */
  public record Registration(String name, List<String> paramNames, ApiMethod method) {
    public Registration {
      requireNonNull(name, "name");
      paramNames = List.copyOf(requireNonNull(paramNames, "paramNames"));
      requireNonNull(method, "method");
    }
  }

  private final Map<String, Registration> methods = new ConcurrentHashMap<>();

  /**
   * Registers {@code name} (e.g. {@code Host.echo}) with its parameter names in positional order.
   *
   * @throws IllegalStateException when the name is registered already
   */
  public MethodRegistry register(String name, List<String> paramNames, ApiMethod method) {
    Registration r = new Registration(name, paramNames, method);
    if (!name.matches("[A-Za-z][A-Za-z0-9_]*\\.[A-Za-z][A-Za-z0-9_]*")) {
      throw new IllegalArgumentException("method names are Namespace.verb: " + name);
    }
    if (methods.putIfAbsent(name, r) != null) {
      throw new IllegalStateException("method registered twice: " + name);
    }
    return this;
  }

  public Optional<Registration> find(String name) {
    return Optional.ofNullable(methods.get(requireNonNull(name, "name")));
  }

  public Set<String> names() {
    return Set.copyOf(methods.keySet());
  }
}
