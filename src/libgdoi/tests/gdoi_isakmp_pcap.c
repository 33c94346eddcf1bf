/*
 * Copyright (C) 2026 The gdoi-strongswan authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.  See <http://www.fsf.org/copyleft/gpl.txt>.
 *
 * This program is distributed in the hope that it will be useful, but
 * WITHOUT ANY WARRANTY; without even the implied warranty of MERCHANTABILITY
 * or FITNESS FOR A PARTICULAR PURPOSE.  See the GNU General Public License
 * for more details.
 */

/*
 * Write GDOI messages encoded by libgdoi's codec as a pcap file of IPv4/UDP
 * datagrams on port 848, for gdoi_isakmp_tshark.sh to feed to tshark:
 * a GROUPKEY-PUSH in clear (SEQ, SA(SAK, SAT-ESP, GAP), KD(TEK, KEK), SIG),
 * one with Delete and Notify too, and GROUPKEY-PULL messages 1-4 in clear.
 *
 * usage: gdoi_isakmp_pcap FILE
 */

#include <stdio.h>

#include <library.h>
#include <gdoi_isakmp_hash.h>

#include "gdoi_isakmp_vectors.h"

/** LINKTYPE_RAW: packets start with the IP header */
#define LINKTYPE_RAW 101

/** documentation addresses */
#define GCKS 0xc0000201			/* 192.0.2.1 */
#define GM 0xc000020a			/* 192.0.2.10 */
#define GROUP 0xe9fc0001		/* 233.252.0.1 */

static int packets;

/**
 * Internet checksum of an IPv4 header
 */
static uint16_t ip_checksum(u_char *hdr, size_t len)
{
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i < len; i += 2)
	{
		sum += hdr[i] << 8 | hdr[i + 1];
	}
	while (sum >> 16)
	{
		sum = (sum & 0xffff) + (sum >> 16);
	}
	return ~sum;
}

/**
 * Write one record: IPv4 header, UDP header, the GDOI message
 */
static bool write_packet(FILE *file, uint32_t src, uint32_t dst, chunk_t msg)
{
	u_char ip[20] = {}, udp[8];
	uint32_t rec[4];
	size_t len = sizeof(ip) + sizeof(udp) + msg.len;

	ip[0] = 0x45;
	htoun16(ip + 2, len);
	htoun16(ip + 4, packets + 1);
	ip[8] = 64;
	ip[9] = 17;
	htoun32(ip + 12, src);
	htoun32(ip + 16, dst);
	htoun16(ip + 10, ip_checksum(ip, sizeof(ip)));

	htoun16(udp, GDOI_PORT);
	htoun16(udp + 2, GDOI_PORT);
	htoun16(udp + 4, sizeof(udp) + msg.len);
	htoun16(udp + 6, 0);		/* no checksum (IPv4) */

	rec[0] = 1767225600 + packets++;	/* 2026-01-01 */
	rec[1] = 0;
	rec[2] = rec[3] = len;
	return fwrite(rec, sizeof(rec), 1, file) == 1 &&
		   fwrite(ip, sizeof(ip), 1, file) == 1 &&
		   fwrite(udp, sizeof(udp), 1, file) == 1 &&
		   fwrite(msg.ptr, msg.len, 1, file) == 1;
}

/**
 * Encode a message and write it
 */
static bool write_msg(FILE *file, uint32_t src, uint32_t dst,
					  gdoi_isakmp_message_t *msg, int pull)
{
	u_char ni[] = { NI_B }, nr[] = { NR_B }, key[] = { SKEYID_A };
	gdoi_isakmp_err_t err = {};
	chunk_t out;
	bool ok;

	if (pull)
	{
		ok = gdoi_isakmp_pull_encode(msg, PRF_HMAC_SHA2_256,
						chunk_from_thing(key), pull, chunk_from_thing(ni),
						chunk_from_thing(nr), &out, &err);
	}
	else
	{
		ok = gdoi_isakmp_message_encode(msg, &out, &err);
	}
	gdoi_isakmp_message_destroy(msg);
	if (!ok)
	{
		fprintf(stderr, "encoding failed: %s\n", err.msg);
		return FALSE;
	}
	ok = write_packet(file, src, dst, out);
	chunk_clear(&out);
	return ok;
}

/**
 * A PUSH that also deletes an old TEK and carries a notify
 */
static gdoi_isakmp_message_t *build_push_delete()
{
	gdoi_isakmp_message_t *msg, *full;
	gdoi_isakmp_payload_t *pl;
	u_int i;

	full = build_push();
	msg = gdoi_isakmp_message_create(GDOI_EXCHANGE_PUSH, 0);
	memcpy(msg->icookie, full->icookie, 8);
	memcpy(msg->rcookie, full->rcookie, 8);
	for (i = 0; i < full->count; i++)
	{
		if (full->payloads[i].type == GDOI_PL_SA)
		{
			pl = gdoi_isakmp_message_add(msg, GDOI_PL_DELETE);
			INIT(pl->del,
				.doi = GDOI_DOI,
				.protocol = GDOI_PROTO_IPSEC_ESP,
				.spi_size = 4,
				.count = 1,
				.spis = chunk_clone(chunk_from_chars(0x11, 0x11, 0x11, 0x11)),
			);
		}
		if (full->payloads[i].type == GDOI_PL_SIG)
		{
			pl = gdoi_isakmp_message_add(msg, GDOI_PL_NOTIFY);
			INIT(pl->notify,
				.doi = GDOI_DOI,
				.protocol = GDOI_PROTO_IPSEC_ESP,
				.type = 24576,		/* RESPONDER-LIFETIME, status range */
			);
		}
		*gdoi_isakmp_message_add(msg, full->payloads[i].type) =
													full->payloads[i];
	}
	free(full->payloads);
	full->payloads = NULL;
	full->count = 0;
	gdoi_isakmp_message_destroy(full);
	return msg;
}

int main(int argc, char *argv[])
{
	/* magic, version 2.4 (two uint16), zone, sigfigs, snaplen, link type */
	uint32_t hdr[6] = { 0xa1b2c3d4, 2 | 4 << 16, 0, 0, 65535, LINKTYPE_RAW };
	FILE *file;
	bool ok;

	if (argc != 2)
	{
		fprintf(stderr, "usage: %s FILE\n", argv[0]);
		return 2;
	}
	library_init(NULL, "gdoi-pcap");
	dbg_default_set_level(-1);
	plugin_loader_add_plugindirs(PLUGINDIR, PLUGINS);
	if (!lib->plugins->load(lib->plugins, PLUGINS))
	{
		fprintf(stderr, "loading plugins failed\n");
		library_deinit();
		return 1;
	}
	file = fopen(argv[1], "w");
	if (!file)
	{
		fprintf(stderr, "cannot open %s\n", argv[1]);
		library_deinit();
		return 1;
	}
	ok = fwrite(hdr, sizeof(hdr), 1, file) == 1 &&
		 write_msg(file, GCKS, GROUP, build_push(), 0) &&
		 write_msg(file, GCKS, GROUP, build_push_delete(), 0) &&
		 write_msg(file, GM, GCKS, build_pull(1), 1) &&
		 write_msg(file, GCKS, GM, build_pull(2), 2) &&
		 write_msg(file, GM, GCKS, build_pull(3), 3) &&
		 write_msg(file, GCKS, GM, build_pull(4), 4);
	ok = fclose(file) == 0 && ok;
	library_deinit();
	return ok ? 0 : 1;
}
