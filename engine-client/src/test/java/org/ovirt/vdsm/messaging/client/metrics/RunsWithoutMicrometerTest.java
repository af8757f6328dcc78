package org.ovirt.vdsm.messaging.client.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.ovirt.vdsm.messaging.client.internal.FakeStompPeer;

/**
 * Micrometer is an optional dependency of the engine client: an engine without it on its class path
 * makes a factory, connects and calls as before. The client runs here in a class loader of the test
 * class path minus every Micrometer jar, which also refuses any {@code io.micrometer} class.
 */
class RunsWithoutMicrometerTest {

  /** The test class path without Micrometer, and nothing of the application class loader above it. */
  static final class WithoutMicrometer extends URLClassLoader {
    WithoutMicrometer(URL[] urls) {
      super("without-micrometer", urls, ClassLoader.getPlatformClassLoader());
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
      if (name.startsWith("io.micrometer.")) {
        throw new ClassNotFoundException(name + " (hidden by the test)");
      }
      return super.loadClass(name, resolve);
    }
  }

  @Test
  void theClientConnectsAndCallsWithoutMicrometerOnTheClassPath() throws Exception {
    List<URL> urls = new ArrayList<>();
    int hidden = 0;
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      if (entry.contains("micrometer")) {
        hidden++;
        continue;
      }
      urls.add(Path.of(entry).toUri().toURL());
    }
    assertThat(hidden).as("Micrometer jars on the test class path").isPositive();
    try (FakeStompPeer peer = new FakeStompPeer();
        WithoutMicrometer loader = new WithoutMicrometer(urls.toArray(URL[]::new))) {
      peer.answerer = body -> "{\"jsonrpc\":\"2.0\",\"result\":\"pong\",\"id\":"
          + com.google.gson.JsonParser.parseString(body).getAsJsonObject().get("id") + "}";
      Class<?> probe = loader.loadClass(WithoutMicrometerProbe.class.getName());
      assertThat(probe.getClassLoader()).isSameAs(loader);
      @SuppressWarnings("unchecked")
      Callable<String> run = (Callable<String>) probe.getConstructor(Integer.class).newInstance(peer.port());
      assertThat(run.call()).isEqualTo("answer \"pong\"");
    }
  }
}
