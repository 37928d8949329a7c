"""The bridge's gateway, whether the engine lists it or only the subnet (provision/machines.py)."""

import pytest

from provision.engine import ProvisionError
from provision.machines import gateway_of


@pytest.mark.parametrize("config, gateway", [
    ([{"Subnet": "172.17.0.0/16", "Gateway": "172.17.0.1"}], "172.17.0.1"),
    ([{"Subnet": "172.17.0.0/16"}], "172.17.0.1"),                 # a freshly created default bridge
    ([{"Subnet": "10.200.0.0/24"}], "10.200.0.1"),
    ([{"Subnet": "fd00::/64"}, {"Subnet": "192.168.5.0/24"}], "192.168.5.1"),
])
def test_gateway(config, gateway):
    assert gateway_of(config) == gateway


def test_no_address_at_all_says_so():
    with pytest.raises(ProvisionError, match="no IPv4 subnet"):
        gateway_of([])
