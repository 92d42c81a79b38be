#!/usr/bin/env bash
# tls.sh -- TLS with certificates made here by openssl (a CA, a server
# certificate for 127.0.0.1, a client certificate the server requires) and a
# user/password the server requires:
#  1. publish --once and follow --once over TLS with --tls-ca/--tls-cert/--tls-key
#     and --user/--password-file: the follower ends equal to the leader;
#  2. the password appears in no log line;
#  3. negative controls: without --tls-ca (the server's CA unknown), without
#     the client certificate, or with a wrong password, the bridge is refused (exit 1).
source "$(dirname "$0")/lib.sh"
command -v openssl >/dev/null || fail "openssl is not installed"
cd "$TMP"
note "certificates (openssl)"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=bridge-test-ca" -keyout ca.key -out ca.pem 2>/dev/null
for who in server client; do
  openssl req -newkey rsa:2048 -nodes -subj "/CN=bridge-test-$who" -keyout "$who.key" -out "$who.csr" 2>/dev/null
  printf 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=%s\n' "$([ $who = server ] && echo serverAuth || echo clientAuth)" >"$who.ext"
  openssl x509 -req -in "$who.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -extfile "$who.ext" -out "$who.pem" 2>/dev/null
done
printf 'pw-%s-not-in-logs\n' "$$" >password
printf 'wrong\n' >wrong
cd - >/dev/null
start_nats --tls --tlscert "$TMP/server.pem" --tlskey "$TMP/server.key" --tlsverify --tlscacert "$TMP/ca.pem" \
  --user bridge --pass "$(cat "$TMP/password")"
URL="tls://127.0.0.1:$NATS_PORT"
TLS=(--nats "$URL" --tls-ca "$TMP/ca.pem" --tls-cert "$TMP/client.pem" --tls-key "$TMP/client.key")
AUTH=(--user bridge --password-file "$TMP/password")
lead="bridge-tls-lead-$$"; fol="bridge-tls-fol-$$"; SHMS+=("$fol")
new_shm "$lead" --slots 1024 --max-value 256
"$KIT" churn "shm:$lead" 2000 9 >/dev/null

note "publish --once and follow --once over TLS with a client certificate and a password"
"$BRIDGE" publish --bus "shm:$lead" --bucket tls "${TLS[@]}" "${AUTH[@]}" --once 2>"$TMP/p.log" || fail "publish over TLS: $(cat "$TMP/p.log")"
"$BRIDGE" follow --bus "shm:$fol" --bucket tls "${TLS[@]}" "${AUTH[@]}" --once 2>"$TMP/f.log" || fail "follow over TLS: $(cat "$TMP/f.log")"
same_contents "shm:$lead" "shm:$fol" || fail "the follower over TLS differs from the leader"
grep -q '"tls":true' "$TMP/p.log" || fail "the publisher did not log a TLS connection"
if grep -qF "$(cat "$TMP/password")" "$TMP"/*.log; then fail "the password appears in a log"; fi

note "negative controls: no CA, no client certificate, wrong password: refused"
rc=0; "$BRIDGE" follow --bus "shm:$fol" --bucket tls --nats "$URL" --tls-cert "$TMP/client.pem" --tls-key "$TMP/client.key" \
  "${AUTH[@]}" --once 2>"$TMP/n1.log" || rc=$?
[ "$rc" = 1 ] || fail "without --tls-ca the follower exited $rc, not 1"
rc=0; "$BRIDGE" follow --bus "shm:$fol" --bucket tls --nats "$URL" --tls-ca "$TMP/ca.pem" "${AUTH[@]}" --once 2>"$TMP/n2.log" || rc=$?
[ "$rc" = 1 ] || fail "without a client certificate the follower exited $rc, not 1"
rc=0; "$BRIDGE" follow --bus "shm:$fol" --bucket tls "${TLS[@]}" --user bridge --password-file "$TMP/wrong" --once 2>"$TMP/n3.log" || rc=$?
[ "$rc" = 1 ] || fail "with a wrong password the follower exited $rc, not 1"
grep -q "cannot connect" "$TMP/n3.log" || fail "the refusal does not say why: $(cat "$TMP/n3.log")"
note "tls: ok"
