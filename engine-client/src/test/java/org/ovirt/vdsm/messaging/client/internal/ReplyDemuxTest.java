package org.ovirt.vdsm.messaging.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcCodec;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcId;

/** Which owner an answer on the engine-wide reply queue belongs to. */
class ReplyDemuxTest {
  private final ReplyDemux<String> demux = new ReplyDemux<>();

  private static JsonRpcId id(String s) {
    return JsonRpcCodec.decode("{\"jsonrpc\":\"2.0\",\"result\":1,\"id\":\"" + s + "\"}").items().stream()
        .map(i -> ((org.ovirt.vdsm.messaging.jsonrpc.JsonRpcResponse) ((org.ovirt.vdsm.messaging.jsonrpc.JsonRpcPayload.Valid) i).message()).id())
        .findFirst().orElseThrow();
  }

  private ReplyDemux.Route<String> route(String json) {
    return demux.routeOf(JsonRpcCodec.decode(json)).orElse(null);
  }

  @Test
  void answerGoesToTheOwnerOfItsIdAndABatchToTheOwnerOfItsFirstKnownId() {
    demux.register(id("a"), "host1", Side.VDS);
    demux.register(id("b"), "host2", Side.IRS);
    assertThat(route("{\"jsonrpc\":\"2.0\",\"result\":1,\"id\":\"b\"}")).isEqualTo(new ReplyDemux.Route<>("host2", Side.IRS));
    assertThat(route("[{\"jsonrpc\":\"2.0\",\"result\":1,\"id\":\"zz\"},{\"jsonrpc\":\"2.0\",\"result\":1,\"id\":\"a\"}]"))
        .isEqualTo(new ReplyDemux.Route<>("host1", Side.VDS));
    assertThat(route("{\"jsonrpc\":\"2.0\",\"result\":1,\"id\":\"unknown\"}")).isNull();
  }

  @Test
  void settledIdsStillRouteTheirLateAnswersUntilForgotten() {
    demux.register(id("a"), "host1", Side.VDS);
    demux.settled(id("a"));
    assertThat(demux.activeCount()).isZero();
    assertThat(route("{\"jsonrpc\":\"2.0\",\"result\":1,\"id\":\"a\"}")).isEqualTo(new ReplyDemux.Route<>("host1", Side.VDS));
    demux.forget("host1");
    assertThat(route("{\"jsonrpc\":\"2.0\",\"result\":1,\"id\":\"a\"}")).isNull();
  }

  @Test
  void nullIdGoesToTheOnlyOwnerWithCallsInFlightElseNowhere() {
    String nullId = "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32700,\"message\":\"x\"},\"id\":null}";
    assertThat(route(nullId)).isNull();
    demux.register(id("a"), "host1", Side.VDS);
    demux.register(id("b"), "host1", Side.VDS);
    assertThat(route(nullId)).isEqualTo(new ReplyDemux.Route<>("host1", Side.VDS));
    demux.register(id("c"), "host2", Side.VDS);
    assertThat(route(nullId)).isNull();
    demux.settled(id("c"));
    demux.register(id("d"), "host1", Side.IRS);
    assertThat(route(nullId)).as("two sides in flight").isNull();
  }

  @Test
  void activeCountFollowsRegistrationsAndSettlements() {
    demux.register(id("a"), "host1", Side.VDS);
    demux.register(id("b"), "host1", Side.VDS);
    assertThat(demux.activeCount()).isEqualTo(2);
    demux.settled(id("a"));
    assertThat(demux.activeCount()).isEqualTo(1);
  }

  @Test
  void forgetDropsTheActiveAndRecentIdsOfThatOwnerOnly() {
    demux.register(id("a"), "host1", Side.VDS);
    demux.register(id("b"), "host1", Side.VDS);
    demux.settled(id("b"));
    demux.register(id("c"), "host2", Side.VDS);
    demux.register(id("d"), "host2", Side.VDS);
    demux.settled(id("d"));
    demux.forget("host1");
    assertThat(demux.activeCount()).isEqualTo(1);
    assertThat(route("{\"jsonrpc\":\"2.0\",\"result\":1,\"id\":\"a\"}")).isNull();
    assertThat(route("{\"jsonrpc\":\"2.0\",\"result\":1,\"id\":\"b\"}")).isNull();
    assertThat(route("{\"jsonrpc\":\"2.0\",\"result\":1,\"id\":\"c\"}")).isEqualTo(new ReplyDemux.Route<>("host2", Side.VDS));
    assertThat(route("{\"jsonrpc\":\"2.0\",\"result\":1,\"id\":\"d\"}")).isEqualTo(new ReplyDemux.Route<>("host2", Side.VDS));
  }

  @Test
  void requestsInAPayloadAreSkippedAndInvalidAnswersGoByTheirId() {
    demux.register(id("a"), "host1", Side.VDS);
    assertThat(route("[{\"jsonrpc\":\"2.0\",\"method\":\"x\",\"id\":\"zz\"},{\"jsonrpc\":\"2.0\",\"result\":1,\"id\":\"a\"}]"))
        .isEqualTo(new ReplyDemux.Route<>("host1", Side.VDS));
    demux.register(id("b"), "host2", Side.VDS);
    assertThat(route("{\"jsonrpc\":\"2.0\",\"id\":\"b\"}")).as("an invalid answer goes by its id too")
        .isEqualTo(new ReplyDemux.Route<>("host2", Side.VDS));
  }

  @Test
  void exactlyTheLastRememberedSettledIdsStillRoute() {
    int n = ReplyDemux.REMEMBERED + 1;
    for (int i = 0; i < n; i++) {
      demux.register(id("s" + i), "host1", Side.VDS);
      demux.settled(id("s" + i));
    }
    assertThat(route("{\"jsonrpc\":\"2.0\",\"result\":1,\"id\":\"s0\"}")).as("the eldest is forgotten").isNull();
    assertThat(route("{\"jsonrpc\":\"2.0\",\"result\":1,\"id\":\"s1\"}")).isEqualTo(new ReplyDemux.Route<>("host1", Side.VDS));
  }
}
