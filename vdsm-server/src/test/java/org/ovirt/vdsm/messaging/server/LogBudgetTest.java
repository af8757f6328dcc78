package org.ovirt.vdsm.messaging.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** A storm of connection lines is cut to the budget and summarised by one line. */
class LogBudgetTest {
  private final Logger logger = (Logger) LoggerFactory.getLogger("test.LogBudget");
  private final ListAppender<ILoggingEvent> lines = new ListAppender<>();

  @BeforeEach
  void capture() {
    lines.start();
    logger.addAppender(lines);
    logger.setLevel(Level.INFO);
  }

  @AfterEach
  void release() {
    logger.detachAppender(lines);
  }

  @Test
  void threeThousandLinesInOneIntervalWriteTwentyThenOneSummary() {
    AtomicLong now = new AtomicLong();
    LogBudget budget = new LogBudget(20, 1, TimeUnit.SECONDS, now::get);
    for (int i = 0; i < 3000; i++) {
      budget.info(logger, "line {}", i);
    }
    assertThat(lines.list).hasSize(20);
    assertThat(lines.list.get(19).getFormattedMessage()).isEqualTo("line 19");

    now.addAndGet(TimeUnit.SECONDS.toNanos(1));
    budget.info(logger, "after the storm");
    assertThat(lines.list).hasSize(22);
    assertThat(lines.list.get(20).getFormattedMessage()).isEqualTo("(2980 similar connection lines suppressed)");
    assertThat(lines.list.get(21).getFormattedMessage()).isEqualTo("after the storm");
    assertThat(lines.list).allSatisfy(e -> assertThat(e.getLevel()).isEqualTo(Level.INFO));
  }

  @Test
  void linesWithinTheBudgetAreAllWritten() {
    AtomicLong now = new AtomicLong();
    LogBudget budget = new LogBudget(2, 1, TimeUnit.SECONDS, now::get);
    for (int i = 0; i < 5; i++) {
      budget.info(logger, "line {}", i);
      budget.info(logger, "line {}", i);
      now.addAndGet(TimeUnit.SECONDS.toNanos(1));
    }
    assertThat(lines.list).hasSize(10).noneMatch(e -> e.getFormattedMessage().contains("suppressed"));
  }
}
