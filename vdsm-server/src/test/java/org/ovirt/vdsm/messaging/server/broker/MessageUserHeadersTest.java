package org.ovirt.vdsm.messaging.server.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class MessageUserHeadersTest {

  private static List<Map.Entry<String, String>> h(String... nameValues) {
    List<Map.Entry<String, String>> list = new ArrayList<>();
    for (int i = 0; i < nameValues.length; i += 2) {
      list.add(Map.entry(nameValues[i], nameValues[i + 1]));
    }
    return list;
  }

  static Stream<Arguments> sends() {
    return Stream.of(
        Arguments.of("nothing of the sender's", h("destination", "d", "content-length", "3"), h()),
        Arguments.of("every server-owned header dropped",
            h("destination", "d", "subscription", "s", "message-id", "m", "ack", "a", "content-length", "1",
                "content-type", "text/plain", "receipt", "r", "transaction", "t"),
            h()),
        Arguments.of("user headers kept in order, values decoded as given",
            h("destination", "d", "b", "a:b", "a", "line\nbreak", "ovirtCorrelationId", "f"),
            h("b", "a:b", "a", "line\nbreak", "ovirtCorrelationId", "f")),
        Arguments.of("a repeated header once, first value",
            h("note", "first", "destination", "d", "note", "second", "x", "1", "note", "third"),
            h("note", "first", "x", "1")),
        Arguments.of("an empty value is a value", h("empty", "", "empty", "later"), h("empty", "")),
        Arguments.of("names are case-sensitive", h("Destination", "kept", "destination", "d"), h("Destination", "kept")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("sends")
  void passesOnTheSendersOwnHeaders(String name, List<Map.Entry<String, String>> send,
      List<Map.Entry<String, String>> passed) {
    assertThat(Message.userHeaders(send)).containsExactlyElementsOf(passed);
  }
}
