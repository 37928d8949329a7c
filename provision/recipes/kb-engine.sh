#!/bin/sh
# Start the engine of a docker-kb engine container (provision/machines.py).
# $KB_MIRROR (host:port of the local registry, as this container reaches it) becomes the
# engine's registry mirror through a forwarder on the container's loopback: engines treat
# a registry on 127.0.0.1 as plain HTTP, and BuildKit in Engine 20.10 ignores
# --insecure-registry for mirrors.
set -e
if [ -n "$KB_MIRROR" ]; then
  socat TCP-LISTEN:5454,bind=127.0.0.1,fork,reuseaddr "TCP:$KB_MIRROR" &
  set -- --registry-mirror http://127.0.0.1:5454 "$@"
fi
exec dockerd --tls=false -H tcp://0.0.0.0:2375 -H unix:///var/run/docker.sock "$@"
