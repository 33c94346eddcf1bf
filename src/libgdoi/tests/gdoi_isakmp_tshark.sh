#!/bin/sh
# Independent check of the GDOI codec: tshark dissects the messages that
# gdoi_isakmp_pcap encodes (GROUPKEY-PUSH and GROUPKEY-PULL in clear, as
# IPv4/UDP on port 848) without a malformed packet or an expert warning,
# and finds the GDOI fields. tshark is required: without it this FAILS.
#
# Wireshark 4.0 decodes UDP 848 only when told (-d udp.port==848,isakmp),
# shows a GAP inside an SA not at all and a top-level GAP undissected.

fail()
{
	echo "FAIL: $*"
	exit 1
}

command -v tshark >/dev/null 2>&1 ||
	fail "tshark not found: install it (apt-get install tshark) to check the GDOI codec"

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

./gdoi_isakmp_pcap "$tmp/gdoi.pcap" || fail "gdoi_isakmp_pcap could not write the capture"

tshark -r "$tmp/gdoi.pcap" -d udp.port==848,isakmp -V > "$tmp/v.txt" 2> "$tmp/err.txt" ||
	fail "tshark failed: $(cat "$tmp/err.txt")"
count=$(grep -c '^Frame [0-9]*:' "$tmp/v.txt")
[ "$count" -eq 6 ] || fail "tshark read $count frames, expected 6"
if grep -n -i 'malformed\|expert info\|bogus\|exceeds\|\[Error' "$tmp/v.txt"; then
	fail "tshark reports errors in the GDOI messages (above)"
fi
tshark -r "$tmp/gdoi.pcap" -d udp.port==848,isakmp -z expert,note -q \
	> "$tmp/expert.txt" 2>&1 || fail "tshark -z expert failed"
if grep -q -i 'error\|warn' "$tmp/expert.txt"; then
	cat "$tmp/expert.txt"
	fail "tshark expert info not clean"
fi

# every GDOI field we expect, counted over the capture
tshark -r "$tmp/gdoi.pcap" -d udp.port==848,isakmp -T fields -E occurrence=a \
	-E separator=';' -e isakmp.exchangetype -e isakmp.sa.doi -e isakmp.sak.spi \
	-e isakmp.sak.dst_id_port -e isakmp.sat.protocol_id -e isakmp.sat.spi \
	-e isakmp.sat.src_id_length -e isakmp.ipsec.attr.sa_direction \
	-e isakmp.ipsec.attr.addr_preservation -e isakmp.kd.num_pkt \
	-e isakmp.kd.payload.type -e isakmp.seq.seq \
	> "$tmp/fields.txt" 2> "$tmp/err.txt" || fail "tshark -T fields failed: $(cat "$tmp/err.txt")"
cat "$tmp/fields.txt"
# PUSH: exchange 33, DOI 2, the KEK SPI, port 848, ESP, SPI, ID length 8,
# SA direction 3, address preservation 4, 2 key packets TEK and KEK, SEQ 1
push='^33;2;c1c1c1c1c1c1c1c1c2c2c2c2c2c2c2c2;848;1;12345678;8;3;4;2;1,2;1$'
[ "$(grep -c "$push" "$tmp/fields.txt")" -eq 2 ] ||
	fail "the two GROUPKEY-PUSH messages do not show the expected GDOI fields"
grep -q '^32;2;c1c1c1c1c1c1c1c1c2c2c2c2c2c2c2c2;848;1;12345678;8;3;4;;;$' "$tmp/fields.txt" ||
	fail "GROUPKEY-PULL message 2 does not show the SA fields"
grep -q '^32;;;;;;;;;2;1,2;1$' "$tmp/fields.txt" ||
	fail "GROUPKEY-PULL message 4 does not show SEQ and KD"
for p in 'Hash (8)' 'Nonce (10)' 'Identification (5)' 'Signature (9)' \
		'Delete (12)' 'Notification (11)' 'Security Association (1)' \
		'SA TEK Payload (16)' 'Key Download (17)' 'Sequence Number (18)' \
		'Group Associated Policy (22)' 'Domain of interpretation: GDOI (2)' \
		'SRC ID Data Length: 4' 'SRC ID Data Length: 8' \
		'Address Preservation' 'SA Direction'; do
	grep -q "$p" "$tmp/v.txt" || fail "tshark shows no '$p'"
done
echo "tshark $(tshark --version | head -n 1 | sed 's/^TShark (Wireshark) //') decoded $count GDOI messages cleanly"
