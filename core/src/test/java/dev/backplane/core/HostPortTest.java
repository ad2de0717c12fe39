package dev.backplane.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class HostPortTest {

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "10.0.0.5:6379        | 10.0.0.5    | 6379 | 10.0.0.5:6379",
      "worker-0:5432        | worker-0    | 5432 | worker-0:5432",
      "db.example.com:1     | db.example.com | 1 | db.example.com:1",
      "[::1]:6379           | ::1         | 6379 | [::1]:6379",
      "[fe80::1%eth0]:26379 | fe80::1%eth0 | 26379 | [fe80::1%eth0]:26379",
      "'  127.0.0.1:65535 ' | 127.0.0.1   | 65535 | 127.0.0.1:65535",
  })
  void parsesAndPrintsIpv4Ipv6AndNames(String text, String host, int port, String printed) {
    HostPort a = HostPort.parse(text);
    assertThat(a.host()).isEqualTo(host);
    assertThat(a.port()).isEqualTo(port);
    assertThat(a).hasToString(printed);
    assertThat(HostPort.parse(a.toString())).isEqualTo(a);
  }

  @Test
  void anIpv6HostIsPrintedInBracketsEvenWhenBuiltDirectly() {
    assertThat(new HostPort("2001:db8::7", 5432)).hasToString("[2001:db8::7]:5432");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "host", "host:", ":6379", "host:port", "host:0", "host:65536", "::1:6379"})
  void rejectsWhatIsNotHostColonPortNamingTheText(String text) {
    assertThatThrownBy(() -> HostPort.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'" + text + "'");
  }

  @Test
  void rejectsABlankHostAndAPortOutOfRange() {
    assertThatThrownBy(() -> new HostPort(" ", 1)).hasMessage("host must not be blank");
    assertThatThrownBy(() -> new HostPort("h", 70000)).hasMessage("port must be 1..65535, was 70000");
  }

  @Test
  void aMappingByTableMapsItsEntriesKeepsOtherAddressesAndPrintsItsTable() {
    Map<HostPort, HostPort> table = new LinkedHashMap<>();
    table.put(HostPort.parse("worker-0:5432"), HostPort.parse("127.0.0.1:32771"));
    table.put(HostPort.parse("[::1]:6379"), HostPort.parse("127.0.0.1:16379"));
    AddressMapping m = AddressMapping.of(table);
    table.clear(); // the mapping took a copy

    assertThat(m.reachable(HostPort.parse("worker-0:5432"))).isEqualTo(HostPort.parse("127.0.0.1:32771"));
    assertThat(m.reachable(HostPort.parse("[::1]:6379"))).isEqualTo(HostPort.parse("127.0.0.1:16379"));
    assertThat(m.reachable(HostPort.parse("worker-1:5432"))).isEqualTo(HostPort.parse("worker-1:5432"));
    assertThat(m).hasToString("{worker-0:5432=127.0.0.1:32771, [::1]:6379=127.0.0.1:16379}");
    assertThat(AddressMapping.identity().reachable(HostPort.parse("a:1"))).isEqualTo(HostPort.parse("a:1"));
    assertThat(AddressMapping.identity()).hasToString("{}");
  }

  @Test
  void aMappingIsParsedFromReportedEqualsReachablePairsAndEveryBadEntryIsNamed() {
    AddressMapping m = AddressMapping.parse(" 172.17.0.3:6379=127.0.0.1:16379, ,[::1]:5432=db:5432 ");
    assertThat(m.reachable(HostPort.parse("172.17.0.3:6379"))).isEqualTo(HostPort.parse("127.0.0.1:16379"));
    assertThat(m.reachable(HostPort.parse("[::1]:5432"))).isEqualTo(HostPort.parse("db:5432"));
    assertThat(m).hasToString("{172.17.0.3:6379=127.0.0.1:16379, [::1]:5432=db:5432}");
    assertThat(AddressMapping.parse(" ")).isSameAs(AddressMapping.identity());

    assertThatThrownBy(() -> AddressMapping.parse("a:1=b:2,a:1,c:3=d"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("entry 'a:1' is invalid (expected reported=reachable); "
            + "entry 'c:3=d' is invalid (expected host:port, was 'd')");
  }

  @Test
  void aMappingByTableRefusesNullAddresses() {
    Map<HostPort, HostPort> table = new LinkedHashMap<>();
    table.put(HostPort.parse("a:1"), null);
    assertThatThrownBy(() -> AddressMapping.of(table))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("an address mapping must not hold null addresses");
  }
}
