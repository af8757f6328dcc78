package org.ovirt.vdsm.messaging.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.ovirt.vdsm.messaging.it.demo.Demo;

/**
 * The README's second quick-start command runs this demo: it must show the whole round trip, then
 * phase 5 (an external broker, the host's storage in a second process) with what went where, and
 * leave no process behind.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class DemoTest {
  private static final Pattern STORAGE_PID = Pattern.compile("host process 2 +pid (\\d+), vdsm-server --broker ");
  private static final String SELF = "this JVM, pid " + ProcessHandle.current().pid();

  @Test
  void demoShowsTheRoundTripThenPhase5AndSucceeds() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int exit = new Demo(new PrintStream(bytes, true, StandardCharsets.UTF_8)).run();
    String out = bytes.toString(StandardCharsets.UTF_8);
    assertThat(exit).as(out).isZero();
    assertThat(out)
        .contains("vdsm-server listening on 127.0.0.1:")
        .contains("Host.ping2           true")
        .contains("\"version_name\": \"vdsm-messaging\"")
        .contains("error -32601")
        .contains("receipt received");

    Matcher storage = STORAGE_PID.matcher(out);
    assertThat(storage.find()).as(out).isTrue();
    long storagePid = Long.parseLong(storage.group(1));
    String storageProcess = "storage process, pid " + storagePid;
    assertThat(storagePid).isNotEqualTo(ProcessHandle.current().pid());
    assertThat(out)
        .containsPattern("host process 1 +pid \\d+ \\(this JVM\\): vdsm-server connected to broker "
            + "stomp\\+ssl://127\\.0\\.0\\.1:\\d+ as host1 serving virt,network,host\n")
        .containsPattern("--subsystems storage --direct off \\(up in \\d+ ms\\): vdsm-server connected to broker "
            + "stomp\\+ssl://127\\.0\\.0\\.1:\\d+ as host1 serving storage\n")
        .contains("replies on /queue/vdsm.replies.engine1")
        // host calls: engine -> host queue, answered by host process 1 (this JVM)
        .containsPattern("Host\\.ping2 +true in [0-9.]+ ms\n +engine \\(" + SELF + "\\) -> /queue/vdsm\\.requests\\.host1\\.host; "
            + "host1 \\(" + SELF + "\\) -> /queue/vdsm\\.replies\\.engine1\n")
        .containsPattern("VM\\.create +\\{\\.\\.\\.\\}.*\n +engine \\(" + SELF + "\\) -> /queue/vdsm\\.requests\\.host1\\.virt; "
            + "host1 \\(" + SELF + "\\) -> /queue/vdsm\\.replies\\.engine1\n")
        // storage calls: answered by the second process
        .containsPattern("StorageDomain\\.getInfo \\{\\.\\.\\.\\} \\(12 members\\).*\n +engine \\(" + SELF
            + "\\) -> /queue/vdsm\\.requests\\.host1\\.storage; host1 \\(" + storageProcess + "\\) -> /queue/vdsm\\.replies\\.engine1\n")
        .containsPattern("Task\\.getStatus +\\{\\.\\.\\.\\}.*\n.*-> /queue/vdsm\\.requests\\.host1\\.storage; host1 \\("
            + storageProcess + "\\) ->")
        // events through the virt topic, published by host process 1
        .containsPattern("event +VM_status Up of VM [0-9a-f]{8}\\.\\.\\., host1 \\(" + SELF
            + "\\) -> /topic/vdsm\\.events\\.host1\\.virt\n")
        // the storage process killed: storage calls fail by their deadline, host calls go on
        .containsPattern("StorageDomain\\.getInfo failed after \\d+ ms \\(deadline 2 s\\): CallTimeoutException; "
            + "the request waited in /queue/vdsm\\.requests\\.host1\\.storage\n")
        .containsPattern("killed \\(SIGKILL\\)[^\n]*\n[^\n]*\nHost\\.ping2 +true")
        .contains("phase 5              engine, both host processes and the broker stopped");
    assertThat(ProcessHandle.of(storagePid).filter(ProcessHandle::isAlive)).as("the storage process").isEmpty();
    assertThat(ProcessHandle.current().children().filter(ProcessHandle::isAlive)).as("child processes").isEmpty();
  }
}
