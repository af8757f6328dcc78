package org.ovirt.vdsm.messaging.server.api;

import java.lang.reflect.Method;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.ovirt.vdsm.messaging.server.rpc.ApiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code Host.setLogLevel}: sets a logger's level when the logging backend is Logback, through its
 * API by reflection (Logback is an optional runtime dependency). VDSM's level names (its
 * LoggingLevel enum, case-insensitive) map to Logback's: CRITICAL and CRIT to ERROR, WARNING and
 * WARN to WARN, ERROR, INFO and DEBUG to themselves. An empty name means the root logger.
 */
final class LogLevels {
  private static final Logger log = LoggerFactory.getLogger(LogLevels.class);

  private static final Map<String, String> LEVELS = Map.of(
      "CRITICAL", "ERROR",
      "CRIT", "ERROR",
      "ERROR", "ERROR",
      "WARNING", "WARN",
      "WARN", "WARN",
      "INFO", "INFO",
      "DEBUG", "DEBUG");
  private static final Pattern LOGGER_NAME = Pattern.compile("[A-Za-z0-9_$.\\-]{1,256}");
  private static final String LOGBACK_LOGGER = "ch.qos.logback.classic.Logger";
  private static final String LOGBACK_LEVEL = "ch.qos.logback.classic.Level";

  private LogLevels() {}

  /**
   * Sets {@code name}'s level ({@code ""} for the root logger).
   *
   * @throws ApiException -32602 for an unknown level or a malformed name, 100 when the logging
   *     backend is not Logback
   */
  static void set(String level, String name) throws ApiException {
    String logback = LEVELS.get(level.toUpperCase(Locale.ROOT));
    if (logback == null) {
      throw VdsmErrors.invalidParams("'level' must be one of CRITICAL, CRIT, ERROR, WARNING, WARN, INFO, DEBUG, got '"
          + Params.abbreviate(level) + "'");
    }
    if (!name.isEmpty() && !LOGGER_NAME.matcher(name).matches()) {
      throw VdsmErrors.invalidParams("'name' must be a logger name (letters, digits, '.', '_', '-', '$')");
    }
    Logger target = LoggerFactory.getLogger(name.isEmpty() ? Logger.ROOT_LOGGER_NAME : name);
    if (!target.getClass().getName().equals(LOGBACK_LOGGER)) {
      throw VdsmErrors.general("the logging backend (" + target.getClass().getSimpleName()
          + ") does not support changing levels");
    }
    try {
      Class<?> levelClass = Class.forName(LOGBACK_LEVEL, true, target.getClass().getClassLoader());
      Object value = levelClass.getMethod("toLevel", String.class).invoke(null, logback);
      Method setLevel = target.getClass().getMethod("setLevel", levelClass);
      setLevel.invoke(target, value);
    } catch (ReflectiveOperationException | RuntimeException e) {
      log.warn("could not set the level of logger '{}'", name, e);
      throw VdsmErrors.general("could not set the log level");
    }
    log.info("log level of '{}' set to {} ({})", name.isEmpty() ? "root" : name, logback, level);
  }
}
