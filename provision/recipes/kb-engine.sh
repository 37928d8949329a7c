#!/bin/sh
# Start the engine of a docker-kb engine container (provision/machines.py).
# $KB_MIRROR (host:port of the local registry, as this container reaches it) becomes the
# engine's registry mirror through a forwarder on the container's loopback: engines treat
# a registry on 127.0.0.1 as plain HTTP, and BuildKit in Engine 20.10 ignores
# --insecure-registry for mirrors.
# $KB_USER, $KB_UID and $KB_GID (when the tests run as an ordinary user) give that user an
# account here, in the docker group, so the pages' commands run as the same kind of user
# as on the test machine.
set -e
if [ -n "$KB_UID" ] && [ "$KB_UID" != 0 ]; then
  getent group "$KB_GID" >/dev/null || groupadd -o -g "$KB_GID" "$KB_USER"
  id -u "$KB_USER" >/dev/null 2>&1 || useradd -o -u "$KB_UID" -g "$KB_GID" -G docker -m -s /bin/bash "$KB_USER"
fi
if [ -n "$KB_MIRROR" ]; then
  socat TCP-LISTEN:5454,bind=127.0.0.1,fork,reuseaddr "TCP:$KB_MIRROR" &
  set -- --registry-mirror http://127.0.0.1:5454 "$@"
fi
exec dockerd --tls=false -H tcp://0.0.0.0:2375 -H unix:///var/run/docker.sock "$@"
