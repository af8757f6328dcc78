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

  /**
   * A registered method. {@code inline}: the method is cheap and never blocks (no I/O, no lock held
   * for long, a few microseconds at most), so the dispatcher may run it on the thread that read the
   * request instead of handing it to its subsystem's executor; see {@link #registerInline}.
   */
  public record Registration(String name, List<String> paramNames, ApiMethod method, boolean inline) {
    public Registration {
      requireNonNull(name, "name");
      paramNames = List.copyOf(requireNonNull(paramNames, "paramNames"));
      requireNonNull(method, "method");
    }

    /** A method that runs on its subsystem's executor. */
    public Registration(String name, List<String> paramNames, ApiMethod method) {
      this(name, paramNames, method, false);
    }
  }

  private final Map<String, Registration> methods = new ConcurrentHashMap<>();

  /**
   * Registers {@code name} (e.g. {@code Host.echo}) with its parameter names in positional order.
   *
   * @throws IllegalStateException when the name is registered already
   */
  public MethodRegistry register(String name, List<String> paramNames, ApiMethod method) {
    return add(new Registration(name, paramNames, method, false));
  }

  /**
   * Registers a trivial method: one that answers in a few microseconds without blocking (no I/O,
   * no waiting on a lock or another thread), such as {@code Host.ping2}. The dispatcher runs it on
   * the thread that parsed the request, which for a small request is the connection's network
   * thread: no hand-over to the subsystem's executor and back, no deadline timer (it cannot run
   * late), and it is answered even while its subsystem's queue is full. Registering a method that
   * can block here stalls every connection of that network thread.
   *
   * @throws IllegalStateException when the name is registered already
   */
  public MethodRegistry registerInline(String name, List<String> paramNames, ApiMethod method) {
    return add(new Registration(name, paramNames, method, true));
  }

  /**
   * Adds {@code r} as it is (keeping its {@link Registration#inline} flag), e.g. a registration
   * copied from another registry.
   *
   * @throws IllegalStateException when the name is registered already
   */
  public MethodRegistry add(Registration r) {
    requireNonNull(r, "r");
    String name = r.name();
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
