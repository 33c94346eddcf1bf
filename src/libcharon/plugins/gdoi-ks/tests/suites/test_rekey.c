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

#include <test_suite.h>

#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <unistd.h>
#include <poll.h>
#include <errno.h>

#include <gdoi_ks_group.h>
#include <gikev2_registration.h>
#include <gikev2_rekey.h>
#include <vici_builder.h>
#include <credentials/sets/mem_cred.h>
#include <threading/mutex.h>
#include <threading/condvar.h>

/** the two members, on loopback addresses of their own */
static char *member_addrs[] = { "127.0.0.2", "127.0.0.3" };
static char *member_ids[] = { "gm1@example.org", "gm2@example.org" };

/** key wrap key of the "registration IKE SA" */
static chunk_t reg_kwk = chunk_from_chars(
	0x00,0x01,0x02,0x03,0x04,0x05,0x06,0x07,0x08,0x09,0x0a,0x0b,0x0c,0x0d,
	0x0e,0x0f,0x10,0x11,0x12,0x13,0x14,0x15,0x16,0x17,0x18,0x19,0x1a,0x1b,
	0x1c,0x1d,0x1e,0x1f);

static gdoi_ks_context_t ctx;
static int receivers[2];
static gdoi_ks_group_t *group;

/**
 * Open a UDP socket bound to an address and port, return the port
 */
static int bind_socket(char *addr, uint16_t *port)
{
	struct sockaddr_in sin = {
		.sin_family = AF_INET,
		.sin_port = htons(*port),
	};
	socklen_t len = sizeof(sin);
	int fd;

	ck_assert(inet_pton(AF_INET, addr, &sin.sin_addr) == 1);
	fd = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
	ck_assert(fd >= 0);
	ck_assert_msg(bind(fd, (struct sockaddr*)&sin, sizeof(sin)) == 0,
				  "bind %s: %s", addr, strerror(errno));
	ck_assert(getsockname(fd, (struct sockaddr*)&sin, &len) == 0);
	*port = ntohs(sin.sin_port);
	return fd;
}

/**
 * Receive a datagram within a timeout, chunk_empty if none
 */
static chunk_t receive(int fd, int timeout_ms)
{
	struct pollfd pfd = {
		.fd = fd,
		.events = POLLIN,
	};
	uint8_t buf[GIKEV2_REKEY_MAX_LEN];
	ssize_t len;

	if (poll(&pfd, 1, timeout_ms) != 1)
	{
		return chunk_empty;
	}
	len = recv(fd, buf, sizeof(buf), 0);
	ck_assert(len > 0);
	return chunk_clone(chunk_create(buf, len));
}

/**
 * Build a load-group request of a server group with a traffic entry and
 * extra server options
 */
static gdoi_group_cfg_t *make_cfg(char *traffic, char *options)
{
	vici_builder_t *b;
	vici_message_t *message;
	gdoi_group_cfg_t *cfg;
	char *error = NULL, *copy, *token, *value, *save = NULL;

	b = vici_builder_create();
	b->begin_section(b, "g");
	b->add_kv(b, "id", "1234");
	b->begin_section(b, "server");
	b->add_kv(b, "connection", "c");
	if (!strstr(options, "esp_proposals"))
	{
		b->add_kv(b, "esp_proposals", "aes128gcm16");
	}
	b->add_kv(b, "rekey_retransmit", "60");
	b->add_kv(b, "rekey_retransmits", "2");
	copy = strdup(options);
	for (token = strtok_r(copy, " ", &save); token;
		 token = strtok_r(NULL, " ", &save))
	{
		value = strchr(token, '=');
		ck_assert(value);
		*value++ = '\0';
		b->add_kv(b, token, "%s", value);
	}
	free(copy);
	b->begin_section(b, "traffic");
	b->begin_section(b, traffic);
	b->add_kv(b, "src_ts", "0.0.0.0/0");
	b->add_kv(b, "dst_ts", streq(traffic, "a") ? "10.1.0.0/16"
											   : "10.2.0.0/16");
	b->end_section(b);
	b->end_section(b);
	b->end_section(b);
	b->end_section(b);
	message = b->finalize(b);
	cfg = gdoi_group_cfg_parse(message, &error);
	message->destroy(message);
	ck_assert_msg(cfg, "%s", error);
	return cfg;
}

/**
 * Create the group from a configuration
 */
static gdoi_ks_group_t *make_group(char *traffic, char *options)
{
	gdoi_group_cfg_t *cfg;
	gdoi_ks_group_t *g;
	char *error = NULL;

	cfg = make_cfg(traffic, options);
	g = gdoi_ks_group_create(cfg, &ctx, &error);
	ck_assert_msg(g, "%s", error);
	cfg->destroy(cfg);
	return g;
}

/**
 * Register both members (unicast rekeys, IKE_SA closed)
 */
static void add_members()
{
	gdoi_ks_members_t *members = group->get_members(group);
	identification_t *id;
	host_t *host;
	int i;

	for (i = 0; i < countof(member_addrs); i++)
	{
		id = identification_create_from_string(member_ids[i]);
		host = host_create_from_string(member_addrs[i], 500);
		ck_assert(members->add(members, id, host, 0));
		id->destroy(id);
		host->destroy(host);
	}
}

/**
 * What a member gets at registration: the TEKs and the KEK
 */
static gdoi_kek_t *do_register(linked_list_t **teks)
{
	chunk_t gsa, kd;
	gdoi_kek_t *kek;
	gikev2_err_t err = {};

	ck_assert(group->encode_registration(group, GIKEV2_GSA_AUTH,
										 GIKEV2_KW_5649_256, reg_kwk, &gsa,
										 &kd));
	ck_assert_msg(gikev2_registration_decode(gsa, kd, GIKEV2_GSA_AUTH,
									GIKEV2_KW_5649_256, reg_kwk, teks, &kek,
									&err), "%s", err.msg);
	chunk_free(&gsa);
	chunk_clear(&kd);
	ck_assert(kek);
	return kek;
}

/**
 * Open a rekey as a member would and decode its keys
 */
static void open_rekey(chunk_t datagram, gdoi_kek_t *kek, uint32_t mid,
					   linked_list_t **teks, gdoi_kek_t **new_kek,
					   uint32_t **dels, u_int *del_count)
{
	gikev2_rekey_reject_t reason;
	gikev2_rekey_hdr_t hdr;
	gikev2_err_t err = {};
	chunk_t gsa, kd, encr, integ, kwk;

	ck_assert_msg(gikev2_rekey_peek(datagram, &hdr, &reason, &err), "%s",
				  err.msg);
	ck_assert(memeq(hdr.spi, kek->spi, sizeof(hdr.spi)));
	ck_assert_int_eq(hdr.mid, mid);
	ck_assert(!hdr.response);
	ck_assert_msg(gikev2_rekey_open(datagram, kek, &gsa, &kd, dels, del_count,
									&reason, &err), "%N: %s",
				  gikev2_rekey_reject_names, reason, err.msg);
	kek->get_keys(kek, &encr, &integ, &kwk);
	ck_assert_msg(gikev2_registration_decode(gsa, kd, GIKEV2_GSA_REKEY,
									kek->kwa, kwk, teks, new_kek, &err),
				  "%s", err.msg);
	chunk_free(&gsa);
	chunk_clear(&kd);
}

/**
 * Acknowledge a rekey as the member at an address
 */
static bool send_ack(gdoi_kek_t *kek, uint32_t mid, char *addr)
{
	gikev2_rekey_hdr_t hdr;
	chunk_t ack;
	host_t *src;
	bool handled;

	ck_assert(gikev2_rekey_build_ack(kek, mid, &ack, NULL));
	ck_assert(gikev2_rekey_peek(ack, &hdr, NULL, NULL));
	ck_assert(hdr.response);
	src = host_create_from_string(addr, 500);
	handled = group->ack(group, &hdr, ack, src);
	src->destroy(src);
	chunk_free(&ack);
	return handled;
}

/**
 * Find a member of the group
 */
static bool find_member(char *id_str, gdoi_ks_member_t *copy)
{
	gdoi_ks_members_t *members = group->get_members(group);
	enumerator_t *enumerator;
	identification_t *id;
	gdoi_ks_member_t *member;
	bool found = FALSE;

	id = identification_create_from_string(id_str);
	enumerator = members->create_enumerator(members);
	while (enumerator->enumerate(enumerator, &member))
	{
		if (id->equals(id, member->id))
		{
			*copy = *member;
			found = TRUE;
		}
	}
	enumerator->destroy(enumerator);
	id->destroy(id);
	return found;
}

/**
 * Get a value of the group's listing
 */
static char *listed(char *key, char *buf, size_t len)
{
	vici_builder_t *b;
	vici_message_t *message;
	char *value;

	b = vici_builder_create();
	b->begin_section(b, "g");
	group->list(group, b);
	b->end_section(b);
	message = b->finalize(b);
	value = message->get_str(message, NULL, "g.%s", key);
	snprintf(buf, len, "%s", value ?: "");
	message->destroy(message);
	return buf;
}

/**
 * SPI of the only TEK of a list
 */
static uint32_t only_spi(linked_list_t *teks)
{
	gdoi_tek_t *tek;

	ck_assert_int_eq(teks->get_count(teks), 1);
	ck_assert(teks->get_first(teks, (void**)&tek) == SUCCESS);
	return tek->spi;
}

START_SETUP(setup_rekey)
{
	uint16_t port = 0;

	receivers[0] = bind_socket(member_addrs[0], &port);
	receivers[1] = bind_socket(member_addrs[1], &port);
	ctx = (gdoi_ks_context_t){
		.sender = gdoi_ks_sender_create(0, (void*)return_null, NULL),
		.missed_rekeys = 3,
		.member_port = port,
		.multicast_port = 848,
	};
	ck_assert(ctx.sender);
	group = NULL;
}
END_SETUP

START_TEARDOWN(teardown_rekey)
{
	if (group)
	{
		group->stop(group);
		group->destroy(group);
	}
	ctx.sender->destroy(ctx.sender);
	close(receivers[0]);
	close(receivers[1]);
}
END_TEARDOWN

START_TEST(test_unicast)
{
	linked_list_t *reg_teks, *teks;
	gdoi_kek_t *kek, *new_kek;
	gdoi_ks_member_t m;
	chunk_t d1, d2, d3;
	uint32_t reg_spi, spi, *dels;
	u_int del_count;
	char buf[32], expected[32];

	group = make_group("a", "");
	add_members();
	kek = do_register(&reg_teks);
	reg_spi = only_spi(reg_teks);
	/* unicast KEK: any address, the members' port */
	snprintf(buf, sizeof(buf), "%R", kek->dst);
	snprintf(expected, sizeof(expected), "0.0.0.0/0[udp/%u]",
			 ctx.member_port);
	ck_assert_str_eq(buf, expected);
	ck_assert(!kek->auth_key);

	ck_assert(group->rekey(group, TRUE));
	d1 = receive(receivers[0], 1000);
	d2 = receive(receivers[1], 1000);
	ck_assert(d1.len && d2.len);
	/* one datagram for everyone */
	ck_assert_chunk_eq(d1, d2);

	open_rekey(d1, kek, 0, &teks, &new_kek, &dels, &del_count);
	spi = only_spi(teks);
	ck_assert(spi != reg_spi);
	ck_assert(!new_kek);
	ck_assert_int_eq(del_count, 0);
	teks->destroy_offset(teks, offsetof(gdoi_tek_t, destroy));

	ck_assert(find_member(member_ids[0], &m));
	ck_assert(m.pending);
	ck_assert_int_eq(m.missed, 1);

	/* gm1 acknowledges; a second acknowledgement is not counted */
	ck_assert(send_ack(kek, 0, member_addrs[0]));
	ck_assert(find_member(member_ids[0], &m));
	ck_assert(!m.pending);
	ck_assert_int_eq(m.missed, 0);
	ck_assert(send_ack(kek, 0, member_addrs[0]));
	ck_assert_str_eq(listed("acks", buf, sizeof(buf)), "1");

	/* the retransmission goes to gm2 only, bitwise identical */
	ck_assert(group->retransmit(group, TRUE));
	d3 = receive(receivers[1], 1000);
	ck_assert_chunk_eq(d1, d3);
	chunk_free(&d3);
	d3 = receive(receivers[0], 200);
	ck_assert(!d3.len);

	/* an acknowledgement with another Message ID does not count */
	ck_assert(send_ack(kek, 1, member_addrs[1]));
	ck_assert(find_member(member_ids[1], &m));
	ck_assert(m.pending);
	ck_assert(send_ack(kek, 0, member_addrs[1]));
	ck_assert(find_member(member_ids[1], &m));
	ck_assert(!m.pending);

	/* nobody left to retransmit to */
	ck_assert(!group->retransmit(group, TRUE));
	ck_assert(!receive(receivers[1], 200).len);

	ck_assert_str_eq(listed("rekeys-sent", buf, sizeof(buf)), "1");
	ck_assert_str_eq(listed("retransmissions", buf, sizeof(buf)), "1");
	ck_assert_str_eq(listed("acks", buf, sizeof(buf)), "2");
	ck_assert_str_eq(listed("message-id", buf, sizeof(buf)), "0");

	/* a registration now hands out the old and the new TEK */
	reg_teks->destroy_offset(reg_teks, offsetof(gdoi_tek_t, destroy));
	kek->destroy(kek);
	kek = do_register(&reg_teks);
	ck_assert_int_eq(reg_teks->get_count(reg_teks), 2);
	reg_teks->destroy_offset(reg_teks, offsetof(gdoi_tek_t, destroy));

	/* the next rekey has the next Message ID under the same KEK */
	ck_assert(group->rekey(group, TRUE));
	chunk_free(&d1);
	d1 = receive(receivers[0], 1000);
	open_rekey(d1, kek, 1, &teks, &new_kek, &dels, &del_count);
	ck_assert(only_spi(teks) != spi);
	teks->destroy_offset(teks, offsetof(gdoi_tek_t, destroy));
	chunk_free(&d1);
	chunk_free(&d2);
	d2 = receive(receivers[1], 1000);
	ck_assert(d2.len);
	chunk_free(&d2);
	kek->destroy(kek);
}
END_TEST

START_TEST(test_ack_refused)
{
	linked_list_t *teks;
	gikev2_rekey_hdr_t hdr;
	gdoi_kek_t *kek, *other;
	gdoi_ks_member_t m;
	chunk_t ack, d;
	host_t *src;

	group = make_group("a", "");
	add_members();
	kek = do_register(&teks);
	teks->destroy_offset(teks, offsetof(gdoi_tek_t, destroy));

	/* no rekey sent yet: the SPI is not the last rekey's */
	ck_assert(!send_ack(kek, 0, member_addrs[0]));

	ck_assert(group->rekey(group, TRUE));
	d = receive(receivers[0], 1000);
	ck_assert(d.len);

	/* an acknowledgement with a flipped bit is dropped */
	ck_assert(gikev2_rekey_build_ack(kek, 0, &ack, NULL));
	ack.ptr[ack.len - 1] ^= 0x01;
	ck_assert(gikev2_rekey_peek(ack, &hdr, NULL, NULL));
	src = host_create_from_string(member_addrs[0], 500);
	ck_assert(group->ack(group, &hdr, ack, src));
	ck_assert(find_member(member_ids[0], &m));
	ck_assert(m.pending);
	chunk_free(&ack);

	/* the rekey itself, sent back, is not an acknowledgement */
	ck_assert(gikev2_rekey_peek(d, &hdr, NULL, NULL));
	ck_assert(group->ack(group, &hdr, d, src));
	ck_assert(find_member(member_ids[0], &m));
	ck_assert(m.pending);

	/* an acknowledgement under another KEK with the same SPI is dropped */
	other = gdoi_kek_create(chunk_create(kek->spi, sizeof(kek->spi)),
							kek->encr_alg, kek->encr_keylen, kek->integ_alg,
							kek->kwa, kek->kwk_size,
							chunk_from_str("0123456789abcdef0123456789abcdef"
										   "0123456789abcdef0123456789abcdef"
										   "0123456789abcdef0123456789abcdef"),
							kek->src, kek->dst, 60);
	if (other)
	{
		ck_assert(gikev2_rekey_build_ack(other, 0, &ack, NULL));
		ck_assert(gikev2_rekey_peek(ack, &hdr, NULL, NULL));
		ck_assert(group->ack(group, &hdr, ack, src));
		ck_assert(find_member(member_ids[0], &m));
		ck_assert(m.pending);
		chunk_free(&ack);
		other->destroy(other);
	}

	/* from an address without a member */
	src->destroy(src);
	ck_assert(gikev2_rekey_build_ack(kek, 0, &ack, NULL));
	ck_assert(gikev2_rekey_peek(ack, &hdr, NULL, NULL));
	src = host_create_from_string("127.0.0.9", 500);
	ck_assert(group->ack(group, &hdr, ack, src));
	ck_assert(find_member(member_ids[0], &m));
	ck_assert(m.pending);
	chunk_free(&ack);
	src->destroy(src);

	chunk_free(&d);
	kek->destroy(kek);
}
END_TEST

START_TEST(test_missed_dropped)
{
	linked_list_t *teks;
	gdoi_kek_t *kek;
	gdoi_ks_member_t m;
	chunk_t d;
	char buf[32];
	int i;

	ctx.missed_rekeys = 2;
	group = make_group("a", "");
	add_members();
	kek = do_register(&teks);
	teks->destroy_offset(teks, offsetof(gdoi_tek_t, destroy));

	/* gm1 acknowledges every rekey, gm2 none */
	for (i = 0; i < 2; i++)
	{
		ck_assert(group->rekey(group, TRUE));
		d = receive(receivers[1], 1000);
		ck_assert(d.len);
		chunk_free(&d);
		d = receive(receivers[0], 1000);
		ck_assert(d.len);
		chunk_free(&d);
		ck_assert(send_ack(kek, i, member_addrs[0]));
	}
	ck_assert(find_member(member_ids[1], &m));
	ck_assert_int_eq(m.missed, 2);
	ck_assert_str_eq(listed("members-dropped", buf, sizeof(buf)), "0");

	/* before the third, gm2 is dropped and gets nothing */
	ck_assert(group->rekey(group, TRUE));
	ck_assert(!find_member(member_ids[1], &m));
	ck_assert(find_member(member_ids[0], &m));
	d = receive(receivers[0], 1000);
	ck_assert(d.len);
	chunk_free(&d);
	ck_assert(!receive(receivers[1], 200).len);
	ck_assert_str_eq(listed("members-dropped", buf, sizeof(buf)), "1");
	ck_assert_str_eq(listed("member-count", buf, sizeof(buf)), "1");
	kek->destroy(kek);
}
END_TEST

START_TEST(test_policy_change)
{
	linked_list_t *teks, *reg_teks;
	gdoi_group_cfg_t *cfg;
	gdoi_kek_t *kek, *new_kek, *kek3;
	chunk_t d, encr, integ, kwk;
	uint32_t old_spi, new_spi, *dels = NULL;
	u_int del_count;
	char *error = NULL, buf[32];

	group = make_group("a", "");
	add_members();
	kek = do_register(&reg_teks);
	old_spi = only_spi(reg_teks);
	reg_teks->destroy_offset(reg_teks, offsetof(gdoi_tek_t, destroy));

	/* an unchanged policy keeps keys and pushes nothing */
	cfg = make_cfg("a", "");
	ck_assert(group->update(group, cfg, &error));
	cfg->destroy(cfg);
	ck_assert(!group->rekey(group, FALSE));
	ck_assert(atoi(listed("tek-rekey-in", buf, sizeof(buf))) > 3000);
	ck_assert(atoi(listed("kek-rekey-in", buf, sizeof(buf))) > 80000);

	/* other traffic and KEK proposals: new TEK, new KEK, old TEK deleted */
	cfg = make_cfg("b", "kek_proposals=aes128-sha256");
	ck_assert(group->update(group, cfg, &error));
	cfg->destroy(cfg);
	ck_assert_str_eq(listed("rekey-pending", buf, sizeof(buf)), "yes");
	/* registrations get the new keys at once */
	kek3 = do_register(&reg_teks);
	ck_assert(!memeq(kek3->spi, kek->spi, sizeof(kek3->spi)));
	new_spi = only_spi(reg_teks);
	ck_assert(new_spi != old_spi);
	reg_teks->destroy_offset(reg_teks, offsetof(gdoi_tek_t, destroy));
	/* the timer job would push it at once, here we do */
	ck_assert(group->rekey(group, FALSE));
	ck_assert_str_eq(listed("rekey-pending", buf, sizeof(buf)), "");
	d = receive(receivers[0], 1000);
	open_rekey(d, kek, 0, &teks, &new_kek, &dels, &del_count);
	ck_assert(new_kek);
	ck_assert(memeq(new_kek->spi, kek3->spi, sizeof(kek->spi)));
	kek3->destroy(kek3);
	ck_assert_int_eq(del_count, 1);
	ck_assert_int_eq(dels[0], old_spi);
	ck_assert_int_eq(only_spi(teks), new_spi);
	teks->destroy_offset(teks, offsetof(gdoi_tek_t, destroy));
	free(dels);
	dels = NULL;
	chunk_free(&d);
	d = receive(receivers[1], 1000);
	ck_assert(d.len);
	chunk_free(&d);

	/* registrations get the new KEK and only the TEK of permitted traffic */
	kek3 = do_register(&reg_teks);
	ck_assert(memeq(kek3->spi, new_kek->spi, sizeof(kek3->spi)));
	ck_assert(only_spi(reg_teks) != old_spi);
	reg_teks->destroy_offset(reg_teks, offsetof(gdoi_tek_t, destroy));
	kek3->destroy(kek3);

	/* the next rekey is protected by the new KEK, Message ID 0 */
	ck_assert(group->rekey(group, TRUE));
	d = receive(receivers[0], 1000);
	new_kek->get_keys(new_kek, &encr, &integ, &kwk);
	open_rekey(d, new_kek, 0, &teks, &kek3, &dels, &del_count);
	ck_assert(!kek3);
	ck_assert_int_eq(del_count, 0);
	teks->destroy_offset(teks, offsetof(gdoi_tek_t, destroy));
	chunk_free(&d);
	new_kek->destroy(new_kek);
	kek->destroy(kek);
}
END_TEST

START_TEST(test_policy_change_same_traffic)
{
	linked_list_t *teks, *reg_teks;
	gdoi_group_cfg_t *cfg;
	gdoi_kek_t *kek, *new_kek;
	gdoi_tek_t *tek;
	chunk_t d;
	uint32_t old_spi, *dels = NULL;
	u_int del_count;
	char *error = NULL;

	group = make_group("a", "");
	add_members();
	kek = do_register(&reg_teks);
	old_spi = only_spi(reg_teks);
	reg_teks->destroy_offset(reg_teks, offsetof(gdoi_tek_t, destroy));

	/* other algorithms for the same traffic: the old TEK stays until it
	 * expires (members switch over), no Delete, the KEK stays */
	cfg = make_cfg("a", "esp_proposals=aes256gcm16");
	ck_assert(group->update(group, cfg, &error));
	cfg->destroy(cfg);
	ck_assert(group->rekey(group, FALSE));
	d = receive(receivers[0], 1000);
	open_rekey(d, kek, 0, &teks, &new_kek, &dels, &del_count);
	ck_assert(!new_kek);
	ck_assert_int_eq(del_count, 0);
	ck_assert(teks->get_first(teks, (void**)&tek) == SUCCESS);
	ck_assert(tek->spi != old_spi);
	ck_assert_int_eq(tek->encr_keylen, 256);
	teks->destroy_offset(teks, offsetof(gdoi_tek_t, destroy));
	chunk_free(&d);
	d = receive(receivers[1], 1000);
	ck_assert(d.len);
	chunk_free(&d);

	new_kek = do_register(&reg_teks);
	ck_assert(memeq(new_kek->spi, kek->spi, sizeof(kek->spi)));
	ck_assert_int_eq(reg_teks->get_count(reg_teks), 2);
	reg_teks->destroy_offset(reg_teks, offsetof(gdoi_tek_t, destroy));
	new_kek->destroy(new_kek);
	kek->destroy(kek);
}
END_TEST

START_TEST(test_kek_due)
{
	linked_list_t *teks;
	gdoi_kek_t *kek, *new_kek, *none;
	uint32_t *dels = NULL;
	u_int del_count, wait;
	chunk_t d;
	char buf[32];

	lib->settings->set_bool(lib->settings,
							"%s.plugins.gdoi-ks.test_lifetimes", TRUE,
							lib->ns);
	/* KEK rekey at 20 - (8 + 1 + 5) = 6 s, TEKs at 190 s */
	group = make_group("a", "tek_lifetime=300 kek_lifetime=20 "
					   "rekey_retransmit=1 rekey_retransmits=1");
	add_members();
	kek = do_register(&teks);
	teks->destroy_offset(teks, offsetof(gdoi_tek_t, destroy));
	ck_assert(atoi(listed("tek-rekey-in", buf, sizeof(buf))) >= 189);
	wait = atoi(listed("kek-rekey-in", buf, sizeof(buf)));
	ck_assert(wait >= 5 && wait <= 6);
	ck_assert(!group->rekey(group, FALSE));
	sleep(wait);
	ck_assert(group->rekey(group, FALSE));

	/* the KEK alone, under the old one */
	d = receive(receivers[0], 1000);
	open_rekey(d, kek, 0, &teks, &new_kek, &dels, &del_count);
	ck_assert(new_kek);
	ck_assert_int_eq(teks->get_count(teks), 0);
	ck_assert_int_eq(new_kek->lifetime, 20);
	teks->destroy_offset(teks, offsetof(gdoi_tek_t, destroy));
	chunk_free(&d);
	d = receive(receivers[1], 1000);
	chunk_free(&d);
	ck_assert(atoi(listed("kek-rekey-in", buf, sizeof(buf))) >= 5);

	/* the next one is protected by the new KEK */
	ck_assert(group->rekey(group, TRUE));
	d = receive(receivers[0], 1000);
	open_rekey(d, new_kek, 0, &teks, &none, &dels, &del_count);
	ck_assert(!none);
	ck_assert_int_eq(teks->get_count(teks), 1);
	teks->destroy_offset(teks, offsetof(gdoi_tek_t, destroy));
	chunk_free(&d);
	/* acknowledgements under the old KEK are late now, not counted */
	ck_assert(!send_ack(kek, 0, member_addrs[1]));
	ck_assert(send_ack(new_kek, 0, member_addrs[1]));
	ck_assert_str_eq(listed("acks", buf, sizeof(buf)), "1");

	new_kek->destroy(new_kek);
	kek->destroy(kek);
	lib->settings->set_bool(lib->settings,
							"%s.plugins.gdoi-ks.test_lifetimes", FALSE,
							lib->ns);
}
END_TEST

/**
 * Generate a private key and offer it in a credential set
 */
static private_key_t *load_key(key_type_t type, u_int size, mem_cred_t *creds,
							   char *id, size_t len)
{
	private_key_t *key;
	chunk_t fp;

	key = lib->creds->create(lib->creds, CRED_PRIVATE_KEY, type,
							 BUILD_KEY_SIZE, size, BUILD_END);
	if (!key)
	{
		return NULL;
	}
	ck_assert(key->get_fingerprint(key, KEYID_PUBKEY_SHA1, &fp));
	snprintf(id, len, "keyid:#%+B", &fp);
	creds->add_key(creds, key->get_ref(key));
	return key;
}

static struct {
	key_type_t type;
	u_int size;
	signature_scheme_t scheme;
} signing_keys[] = {
	{ KEY_ED25519, 0, SIGN_ED25519 },
	{ KEY_ECDSA, 256, SIGN_ECDSA_WITH_SHA256_DER },
	{ KEY_ECDSA, 384, SIGN_ECDSA_WITH_SHA384_DER },
	{ KEY_RSA, 2048, SIGN_RSA_EMSA_PSS },
};

START_TEST(test_signed)
{
	linked_list_t *teks;
	mem_cred_t *creds;
	private_key_t *key, *other;
	public_key_t *public;
	gdoi_kek_t *kek, *new_kek, *copy;
	gikev2_rekey_reject_t reason;
	uint32_t *dels = NULL;
	u_int del_count;
	chunk_t d;
	char id[128], options[160];

	creds = mem_cred_create();
	lib->credmgr->add_set(lib->credmgr, &creds->set);
	key = load_key(signing_keys[_i].type, signing_keys[_i].size, creds, id,
				   sizeof(id));
	if (!key)
	{
		warn("%N keys not supported, skipped", key_type_names,
			 signing_keys[_i].type);
		lib->credmgr->remove_set(lib->credmgr, &creds->set);
		creds->destroy(creds);
		return;
	}
	snprintf(options, sizeof(options), "signing_key=%s", id);
	group = make_group("a", options);
	add_members();
	kek = do_register(&teks);
	teks->destroy_offset(teks, offsetof(gdoi_tek_t, destroy));
	/* the member learned the public key and the scheme at registration */
	ck_assert(kek->auth_key);
	ck_assert_int_eq(kek->auth_scheme->scheme, signing_keys[_i].scheme);
	public = key->get_public_key(key);
	ck_assert(public->equals(public, kek->auth_key));
	public->destroy(public);

	ck_assert(group->rekey(group, TRUE));
	d = receive(receivers[0], 1000);
	open_rekey(d, kek, 0, &teks, &new_kek, &dels, &del_count);
	teks->destroy_offset(teks, offsetof(gdoi_tek_t, destroy));

	/* a member that knows another key refuses the signature */
	other = lib->creds->create(lib->creds, CRED_PRIVATE_KEY,
							   signing_keys[_i].type, BUILD_KEY_SIZE,
							   signing_keys[_i].size, BUILD_END);
	ck_assert(other);
	public = other->get_public_key(other);
	copy = gdoi_kek_create(chunk_create(kek->spi, sizeof(kek->spi)),
						   kek->encr_alg, kek->encr_keylen, kek->integ_alg,
						   kek->kwa, kek->kwk_size, kek->keymat, kek->src,
						   kek->dst, kek->lifetime);
	copy->set_auth(copy, public, kek->auth_scheme);
	ck_assert(!gikev2_rekey_open(d, copy, NULL, NULL, NULL, NULL, &reason,
								 NULL));
	ck_assert_int_eq(reason, GIKEV2_REKEY_SIGNATURE);
	/* so does one that expects implicit authentication */
	copy->set_auth(copy, NULL, NULL);
	ck_assert(!gikev2_rekey_open(d, copy, NULL, NULL, NULL, NULL, &reason,
								 NULL));
	ck_assert_int_eq(reason, GIKEV2_REKEY_SIGNATURE);
	copy->destroy(copy);
	public->destroy(public);
	other->destroy(other);
	chunk_free(&d);

	group->stop(group);
	group->destroy(group);
	group = NULL;
	kek->destroy(kek);
	lib->credmgr->remove_set(lib->credmgr, &creds->set);
	creds->destroy(creds);
	key->destroy(key);
}
END_TEST

START_TEST(test_signing_key_missing)
{
	gdoi_group_cfg_t *cfg;
	char *error = NULL;

	cfg = make_cfg("a", "signing_key=keyid:#0102030405");
	ck_assert(!gdoi_ks_group_create(cfg, &ctx, &error));
	ck_assert_str_eq(error, "signing key '01:02:03:04:05' not found, load it "
					 "first (swanctl --load-creds)");
	free(error);
	cfg->destroy(cfg);
}
END_TEST

START_TEST(test_rekey_soon)
{
	linked_list_t *teks;
	gdoi_kek_t *kek, *new_kek;
	uint32_t reg_spi, *dels = NULL;
	u_int del_count;
	chunk_t d;
	char buf[32];

	group = make_group("a", "");
	add_members();
	kek = do_register(&teks);
	reg_spi = only_spi(teks);
	teks->destroy_offset(teks, offsetof(gdoi_tek_t, destroy));

	/* nothing is due, but an operator asks: the timer's job (run here)
	 * makes new TEKs */
	ck_assert(!group->rekey(group, FALSE));
	ck_assert_str_eq(listed("rekey-pending", buf, sizeof(buf)), "");
	group->rekey_soon(group);
	ck_assert_str_eq(listed("rekey-pending", buf, sizeof(buf)), "yes");
	ck_assert(group->rekey(group, FALSE));
	ck_assert_str_eq(listed("rekey-pending", buf, sizeof(buf)), "");
	d = receive(receivers[0], 1000);
	open_rekey(d, kek, 0, &teks, &new_kek, &dels, &del_count);
	ck_assert(only_spi(teks) != reg_spi);
	ck_assert(!new_kek);
	teks->destroy_offset(teks, offsetof(gdoi_tek_t, destroy));
	chunk_free(&d);
	/* once */
	ck_assert(!group->rekey(group, FALSE));
	kek->destroy(kek);
}
END_TEST

START_TEST(test_stop)
{
	linked_list_t *teks;
	gdoi_kek_t *kek;
	chunk_t gsa, kd;

	group = make_group("a", "");
	add_members();
	kek = do_register(&teks);
	teks->destroy_offset(teks, offsetof(gdoi_tek_t, destroy));
	ck_assert(group->rekey(group, TRUE));
	group->stop(group);
	/* no rekeys, retransmissions, acknowledgements or registrations */
	ck_assert(!group->rekey(group, TRUE));
	ck_assert(!group->retransmit(group, TRUE));
	ck_assert(!send_ack(kek, 0, member_addrs[0]));
	ck_assert(!group->encode_registration(group, GIKEV2_GSA_AUTH,
										  GIKEV2_KW_5649_256, reg_kwk, &gsa,
										  &kd));
	kek->destroy(kek);
}
END_TEST

/**
 * State of the receive callback of the sender test
 */
static struct {
	mutex_t *mutex;
	condvar_t *condvar;
	chunk_t datagram;
	host_t *src;
} received;

CALLBACK(sender_cb, void,
	void *data, chunk_t datagram, host_t *src)
{
	received.mutex->lock(received.mutex);
	chunk_free(&received.datagram);
	DESTROY_IF(received.src);
	received.datagram = chunk_clone(datagram);
	received.src = src->clone(src);
	received.condvar->signal(received.condvar);
	received.mutex->unlock(received.mutex);
}

START_TEST(test_sender)
{
	gdoi_ks_sender_t *sender;
	linked_list_t *dsts;
	struct sockaddr_in sin = {
		.sin_family = AF_INET,
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	chunk_t data = chunk_from_str("rekey datagram"), d;
	host_t *dst;
	int i;

	received.mutex = mutex_create(MUTEX_TYPE_DEFAULT);
	received.condvar = condvar_create(CONDVAR_TYPE_DEFAULT);
	lib->processor->set_threads(lib->processor, 2);
	sender = gdoi_ks_sender_create(0, sender_cb, NULL);
	ck_assert(sender);
	ck_assert(sender->get_port(sender));

	/* 150 destinations: three batches, on the two receivers' port */
	dsts = linked_list_create();
	for (i = 0; i < 150; i++)
	{
		dst = host_create_from_string(member_addrs[i % 2], ctx.member_port);
		dsts->insert_last(dsts, dst);
	}
	ck_assert_int_eq(sender->send(sender, data, dsts), 150);
	dsts->destroy_offset(dsts, offsetof(host_t, destroy));
	for (i = 0; i < 150; i++)
	{
		d = receive(receivers[i % 2], 1000);
		ck_assert_chunk_eq(d, data);
		chunk_free(&d);
	}

	/* a datagram to the sender's port reaches the callback */
	sin.sin_port = htons(sender->get_port(sender));
	received.mutex->lock(received.mutex);
	ck_assert(sendto(receivers[0], "ack", 3, 0, (struct sockaddr*)&sin,
					 sizeof(sin)) == 3);
	while (!received.src)
	{
		ck_assert(!received.condvar->timed_wait(received.condvar,
												received.mutex, 3000));
	}
	ck_assert_chunk_eq(received.datagram, chunk_from_str("ack"));
	dst = host_create_from_string(member_addrs[0], ctx.member_port);
	ck_assert(received.src->equals(received.src, dst));
	dst->destroy(dst);
	received.mutex->unlock(received.mutex);

	sender->destroy(sender);
	lib->processor->set_threads(lib->processor, 0);
	chunk_free(&received.datagram);
	DESTROY_IF(received.src);
	received.src = NULL;
	received.condvar->destroy(received.condvar);
	received.mutex->destroy(received.mutex);
}
END_TEST

Suite *rekey_suite_create()
{
	Suite *s;
	TCase *tc;

	s = suite_create("ks rekey");

	tc = tcase_create("unicast");
	tcase_add_checked_fixture(tc, setup_rekey, teardown_rekey);
	tcase_add_test(tc, test_unicast);
	tcase_add_test(tc, test_ack_refused);
	tcase_add_test(tc, test_missed_dropped);
	tcase_add_test(tc, test_policy_change);
	tcase_add_test(tc, test_policy_change_same_traffic);
	tcase_add_test(tc, test_rekey_soon);
	tcase_add_test(tc, test_stop);
	suite_add_tcase(s, tc);

	tc = tcase_create("timers");
	tcase_add_checked_fixture(tc, setup_rekey, teardown_rekey);
	tcase_set_timeout(tc, 15);
	tcase_add_test(tc, test_kek_due);
	suite_add_tcase(s, tc);

	tc = tcase_create("signing");
	tcase_add_checked_fixture(tc, setup_rekey, teardown_rekey);
	tcase_set_timeout(tc, 30);
	tcase_add_loop_test(tc, test_signed, 0, countof(signing_keys));
	tcase_add_test(tc, test_signing_key_missing);
	suite_add_tcase(s, tc);

	tc = tcase_create("sender");
	tcase_add_checked_fixture(tc, setup_rekey, teardown_rekey);
	tcase_add_test(tc, test_sender);
	suite_add_tcase(s, tc);

	return s;
}
