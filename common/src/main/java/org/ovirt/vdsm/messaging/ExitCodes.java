package org.ovirt.vdsm.messaging;

/**
 * The exit codes of the project's command-line tools ({@code vdsm-server} and {@code vdsm-client}), one
 * table for both. Values above 63 follow BSD's {@code sysexits.h}, so scripts and service managers can
 * tell a typo from a broken configuration from a host that cannot be reached.
 *
 * <table>
 *   <caption>exit codes</caption>
 *   <tr><th>code</th><th>meaning</th></tr>
 *   <tr><td>0</td><td>success; for the server also a stop that was asked for (SIGTERM, SIGINT)</td></tr>
 *   <tr><td>1</td><td>{@code vdsm-client}: the host answered with a JSON-RPC error</td></tr>
 *   <tr><td>2</td><td>{@code vdsm-client}: no answer (connection refused or lost, TLS failure, deadline)</td></tr>
 *   <tr><td>64</td><td>usage: an unknown option, a bad option value, a missing argument</td></tr>
 *   <tr><td>65</td><td>data: an input file that is not what it should be (malformed JSON)</td></tr>
 *   <tr><td>66</td><td>no input: a file named on the command line does not exist or cannot be read</td></tr>
 *   <tr><td>69</td><td>unavailable: a needed service or address is not available (port in use, address
 *       not resolvable or not local)</td></tr>
 *   <tr><td>70</td><td>software: an internal error (a bug; the log has the stack trace)</td></tr>
 *   <tr><td>78</td><td>configuration: a configuration file, certificate or key is missing or invalid</td></tr>
 * </table>
 */
public final class ExitCodes {
  /** Success, or a requested stop. */
  public static final int OK = 0;
  /** {@code vdsm-client}: the host answered with a JSON-RPC error. */
  public static final int RPC_ERROR = 1;
  /** {@code vdsm-client}: no answer from the host (connection or deadline). */
  public static final int NO_ANSWER = 2;
  /** EX_USAGE: the command line is wrong. */
  public static final int USAGE = 64;
  /** EX_DATAERR: an input file is malformed. */
  public static final int DATA = 65;
  /** EX_NOINPUT: an input file is missing or unreadable. */
  public static final int NO_INPUT = 66;
  /** EX_UNAVAILABLE: a needed service or address is not available. */
  public static final int UNAVAILABLE = 69;
  /** EX_SOFTWARE: an internal error. */
  public static final int SOFTWARE = 70;
  /** EX_CONFIG: the configuration (file, certificates, keys) is missing or invalid. */
  public static final int CONFIG = 78;

  private ExitCodes() {}
}
