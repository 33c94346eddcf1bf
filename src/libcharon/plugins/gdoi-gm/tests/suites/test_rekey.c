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

#include <daemon.h>
#include <gdoi_gm_group.h>
#include <gikev2_registration.h>
#include <gikev2_rekey.h>
#include <vici_builder.h>

#include "utils/recording_ipsec.h"
#include "utils/recording_socket.h"

/**
 * The member's group, the key server's current KEK and its signing key
 */
static gdoi_gm_group_t *group;
static gdoi_kek_t *kek;
static private_key_t *signer;

/**
 * The key server's rekey socket and the member's IKE socket
 */
static host_t *ks, *me;

/**
 * The first TEK, installed at registration
 */
#define TEK1 0x1000abcd

/**
 * A TEK of the group's traffic, AES-128-CBC/HMAC-SHA2-256-128, 1 hour
 */
static gdoi_tek_t *create_tek(uint32_t spi)
{
	traffic_selector_t *src_ts, *dst_ts;
	gdoi_tek_t *tek;
	char keymat[48];

	memset(keymat, spi & 0xff, sizeof(keymat));
	src_ts = traffic_selector_create_from_cidr("198.51.100.0/24", 0, 0,
											   65535);
	dst_ts = traffic_selector_create_from_cidr("198.51.100.0/24", 0, 0,
											   65535);
	tek = gdoi_tek_create(htonl(spi), ENCR_AES_CBC, 128,
						  AUTH_HMAC_SHA2_256_128,
						  chunk_create(keymat, sizeof(keymat)), src_ts,
						  dst_ts, 3600);
	src_ts->destroy(src_ts);
	dst_ts->destroy(dst_ts);
	ck_assert(tek);
	return tek;
}

/**
 * A KEK for unicast rekeys (0.0.0.0/0, UDP 500)
 */
static gdoi_kek_t *create_kek()
{
	traffic_selector_t *src, *dst;
	proposal_t *proposal;
	gdoi_kek_t *new;

	proposal = proposal_create_from_string(PROTO_IKE,
										   "aes256gcm16-prfsha256-modp2048");
	src = traffic_selector_create_from_cidr("0.0.0.0/0", IPPROTO_UDP, 0,
											65535);
	dst = traffic_selector_create_from_cidr("0.0.0.0/0", IPPROTO_UDP, 500,
											500);
	new = gdoi_kek_generate(proposal, GIKEV2_KW_5649_256, 32, src, dst, 86400);
	proposal->destroy(proposal);
	src->destroy(src);
	dst->destroy(dst);
	ck_assert(new);
	return new;
}

/**
 * The member's copy of a KEK: same SPI, keys and authentication
 */
static gdoi_kek_t *copy_kek(gdoi_kek_t *orig)
{
	gdoi_kek_t *copy;

	copy = gdoi_kek_create(chunk_create(orig->spi, sizeof(orig->spi)),
						   orig->encr_alg, orig->encr_keylen, orig->integ_alg,
						   orig->kwa, orig->kwk_size, orig->keymat, orig->src,
						   orig->dst, orig->lifetime);
	ck_assert(copy);
	copy->set_auth(copy, orig->auth_key, orig->auth_scheme);
	return copy;
}

/**
 * Parse the member's configuration
 */
static gdoi_group_cfg_t *create_cfg()
{
	gdoi_group_cfg_t *cfg;
	vici_message_t *message;
	vici_builder_t *b;
	char *error = NULL;

	b = vici_builder_create();
	b->begin_section(b, "test");
	b->add_kv(b, "id", "1234");
	b->begin_section(b, "member");
	b->add_kv(b, "connection", "ks");
	b->begin_list(b, "key_servers");
	b->add_li(b, "192.0.2.1");
	b->end_list(b);
	b->end_section(b);
	b->end_section(b);
	message = b->finalize(b);
	cfg = gdoi_group_cfg_parse(message, &error);
	message->destroy(message);
	ck_assert_msg(cfg, "%s", error);
	return cfg;
}

START_SETUP(setup_group)
{
	signature_params_t scheme = { .scheme = SIGN_ED25519 };
	gdoi_group_cfg_t *cfg;
	linked_list_t *teks;
	gdoi_kek_t *member_kek;
	public_key_t *pub;
	host_t *local;

	ck_assert(charon->kernel->add_ipsec_interface(charon->kernel,
												  recording_ipsec_create));
	charon->socket->add_socket(charon->socket, recording_socket_create);

	kek = create_kek();
	signer = lib->creds->create(lib->creds, CRED_PRIVATE_KEY, KEY_ED25519,
								BUILD_KEY_SIZE, 256, BUILD_END);
	ck_assert(signer);
	pub = signer->get_public_key(signer);
	kek->set_auth(kek, pub, &scheme);
	pub->destroy(pub);

	cfg = create_cfg();
	/* Deletes take effect at once */
	group = gdoi_gm_group_create(cfg, 1, 70, 480, 30, 0, NULL);
	cfg->destroy(cfg);
	ks = host_create_from_string("192.0.2.1", 848);
	me = host_create_from_string("192.0.2.11", 500);
	local = host_create_from_string("192.0.2.11", 0);
	teks = linked_list_create_with_items(create_tek(TEK1), NULL);
	member_kek = copy_kek(kek);
	ck_assert(group->install_keys(group, ks, local, teks, member_kek));
	teks->destroy_offset(teks, offsetof(gdoi_tek_t, destroy));
	member_kek->destroy(member_kek);
	local->destroy(local);
	free(recording_ipsec_take());
}
END_SETUP

START_TEARDOWN(teardown_group)
{
	group->stop(group);
	group->destroy(group);
	free(recording_ipsec_take());
	kek->destroy(kek);
	signer->destroy(signer);
	ks->destroy(ks);
	me->destroy(me);
	charon->socket->remove_socket(charon->socket, recording_socket_create);
	charon->kernel->remove_ipsec_interface(charon->kernel,
										   recording_ipsec_create);
}
END_TEARDOWN

/**
 * Build a GSA_REKEY under a KEK with the given TEK SPIs (0-terminated) and
 * deleted SPIs
 */
static chunk_t build_rekey(gdoi_kek_t *under, uint32_t mid, gdoi_kek_t *next,
						   private_key_t *key, uint32_t *del, u_int del_count,
						   uint32_t spi, ...)
{
	chunk_t gsa = chunk_empty, kd = chunk_empty, encr, integ, kwk, datagram;
	linked_list_t *teks;
	gikev2_err_t err = {};
	va_list args;

	teks = linked_list_create();
	va_start(args, spi);
	for (; spi; spi = va_arg(args, uint32_t))
	{
		teks->insert_last(teks, create_tek(spi));
	}
	va_end(args);
	under->get_keys(under, &encr, &integ, &kwk);
	if (teks->get_count(teks) || next)
	{
		ck_assert_msg(gikev2_registration_encode(teks, next, GIKEV2_GSA_REKEY,
									under->kwa, kwk, &gsa, &kd, &err),
					  "%s", err.msg);
	}
	ck_assert_msg(gikev2_rekey_build(under, mid, gsa, kd, del, del_count, key,
									 &datagram, &err), "%s", err.msg);
	teks->destroy_offset(teks, offsetof(gdoi_tek_t, destroy));
	chunk_free(&gsa);
	chunk_clear(&kd);
	return datagram;
}

/**
 * Process a datagram as a unicast rekey
 */
static gikev2_rekey_reject_t receive(chunk_t datagram)
{
	return group->rekey(group, datagram, ks, me, TRUE);
}

/**
 * Get a value of the member's listing
 */
static char *listed(char *key, char *buf, size_t len)
{
	vici_message_t *message;
	vici_builder_t *b;

	b = vici_builder_create();
	group->list(group, b);
	message = b->finalize(b);
	snprintf(buf, len, "%s", message->get_str(message, "-", key));
	message->destroy(message);
	return buf;
}

/**
 * Check a value of the member's listing
 */
static void assert_listed(char *key, char *expected)
{
	char buf[64];

	ck_assert_str_eq(listed(key, buf, sizeof(buf)), expected);
}

/**
 * Check that the kernel saw nothing
 */
static void assert_kernel_untouched()
{
	char *got;

	got = recording_ipsec_take();
	ck_assert_msg(streq(got, ""), "kernel calls:\n%s", got);
	free(got);
}

/**
 * Check that nothing was sent
 */
static void assert_nothing_sent()
{
	packet_t *packet;

	packet = recording_socket_take();
	ck_assert_msg(!packet, "sent %d bytes to %#H",
				  packet ? (int)packet->get_data(packet).len : 0,
				  packet ? packet->get_destination(packet) : NULL);
}

/**
 * Check that an acknowledgement of a Message ID under a KEK was sent to the
 * key server from the address the rekey arrived on
 */
static void assert_ack_sent(gdoi_kek_t *under, uint32_t mid)
{
	gikev2_rekey_hdr_t hdr;
	chunk_t gsa, kd;
	packet_t *packet;

	packet = recording_socket_take();
	ck_assert(packet);
	ck_assert(packet->get_destination(packet)->equals(
									packet->get_destination(packet), ks));
	ck_assert(packet->get_source(packet)->equals(
									packet->get_source(packet), me));
	ck_assert(gikev2_rekey_peek(packet->get_data(packet), &hdr, NULL, NULL));
	ck_assert(hdr.response);
	ck_assert_int_eq(hdr.mid, mid);
	ck_assert(memeq(hdr.spi, under->spi, sizeof(hdr.spi)));
	ck_assert(gikev2_rekey_open(packet->get_data(packet), under, &gsa, &kd,
								NULL, NULL, NULL, NULL));
	ck_assert(!gsa.len && !kd.len);
	packet->destroy(packet);
}

START_TEST(test_good)
{
	chunk_t datagram;
	char *got;

	datagram = build_rekey(kek, 0, NULL, signer, NULL, 0, 0x2000abcd, 0);
	ck_assert_int_eq(receive(datagram), GIKEV2_REKEY_OK);
	/* the new TEK rolls in with the reqid of the first */
	got = recording_ipsec_take();
	ck_assert_msg(strpfx(got, "add_sa in %any > 192.0.2.11 spi 2000abcd "
				  "reqid "), "%s", got);
	ck_assert_msg(!strchr(got, '\n') || !strchr(got, '\n')[1], "%s", got);
	free(got);
	assert_ack_sent(kek, 0);
	assert_nothing_sent();
	assert_listed("rekeys-received", "1");
	assert_listed("acks-sent", "1");
	assert_listed("last-mid", "0");
	assert_listed("teks.2000abcd.protocol", "ESP");
	assert_listed("rollover.1.current", "1000abcd");
	assert_listed("rollover.1.next", "2000abcd");
	chunk_free(&datagram);

	/* the next one, with a gap in the Message IDs */
	datagram = build_rekey(kek, 5, NULL, signer, NULL, 0, 0x3000abcd, 0);
	ck_assert_int_eq(receive(datagram), GIKEV2_REKEY_OK);
	free(recording_ipsec_take());
	assert_ack_sent(kek, 5);
	assert_listed("rekeys-received", "2");
	assert_listed("last-mid", "5");
	chunk_free(&datagram);
}
END_TEST

START_TEST(test_multicast_not_acked)
{
	chunk_t datagram;

	datagram = build_rekey(kek, 0, NULL, signer, NULL, 0, 0x2000abcd, 0);
	ck_assert_int_eq(group->rekey(group, datagram, ks, me, FALSE),
					 GIKEV2_REKEY_OK);
	free(recording_ipsec_take());
	assert_nothing_sent();
	/* its retransmissions are dropped as duplicates, never acknowledged,
	 * and no failure */
	ck_assert_int_eq(group->rekey(group, datagram, ks, me, FALSE),
					 GIKEV2_REKEY_REPLAY);
	assert_kernel_untouched();
	assert_nothing_sent();
	assert_listed("acks-sent", "0");
	assert_listed("duplicates", "1");
	assert_listed("rekeys-rejected.replay", "0");
	chunk_free(&datagram);
}
END_TEST

START_TEST(test_replay)
{
	chunk_t datagram, other;

	datagram = build_rekey(kek, 3, NULL, signer, NULL, 0, 0x2000abcd, 0);
	ck_assert_int_eq(receive(datagram), GIKEV2_REKEY_OK);
	free(recording_ipsec_take());
	assert_ack_sent(kek, 3);

	/* a retransmission: refused, but acknowledged again, as our
	 * acknowledgement may have been lost */
	ck_assert_int_eq(receive(datagram), GIKEV2_REKEY_REPLAY);
	assert_kernel_untouched();
	assert_ack_sent(kek, 3);
	assert_listed("duplicates", "1");
	assert_listed("rekeys-rejected.replay", "0");
	/* another message with that Message ID, or an older one, is not */
	other = build_rekey(kek, 3, NULL, signer, NULL, 0, 0x3000abcd, 0);
	ck_assert_int_eq(receive(other), GIKEV2_REKEY_REPLAY);
	chunk_free(&other);
	other = build_rekey(kek, 2, NULL, signer, NULL, 0, 0x3000abcd, 0);
	ck_assert_int_eq(receive(other), GIKEV2_REKEY_REPLAY);
	chunk_free(&other);
	/* and the replay check comes before any cryptography */
	datagram.ptr[datagram.len - 1] ^= 0x01;
	ck_assert_int_eq(receive(datagram), GIKEV2_REKEY_REPLAY);
	assert_kernel_untouched();
	assert_nothing_sent();
	assert_listed("rekeys-received", "1");
	assert_listed("rekeys-rejected.replay", "3");
	assert_listed("duplicates", "1");
	assert_listed("acks-sent", "2");
	assert_listed("last-mid", "3");
	chunk_free(&datagram);
}
END_TEST

START_TEST(test_unknown_spi)
{
	gdoi_kek_t *other;
	chunk_t datagram;

	other = create_kek();
	other->set_auth(other, kek->auth_key, kek->auth_scheme);
	datagram = build_rekey(other, 0, NULL, signer, NULL, 0, 0x2000abcd, 0);
	ck_assert(!group->has_kek(group, other->spi));
	ck_assert(group->has_kek(group, kek->spi));
	ck_assert_int_eq(receive(datagram), GIKEV2_REKEY_UNKNOWN_SPI);
	assert_kernel_untouched();
	assert_nothing_sent();
	assert_listed("rekeys-rejected.unknown-spi", "1");
	assert_listed("rekeys-received", "0");
	chunk_free(&datagram);
	other->destroy(other);
}
END_TEST

START_TEST(test_forged)
{
	private_key_t *other_key;
	public_key_t *pub;
	gdoi_kek_t *forger;
	chunk_t datagram;

	/* the right SPI, other keys */
	forger = create_kek();
	memcpy(forger->spi, kek->spi, sizeof(kek->spi));
	datagram = build_rekey(forger, 0, NULL, NULL, NULL, 0, 0x2000abcd, 0);
	ck_assert_int_eq(receive(datagram), GIKEV2_REKEY_DECRYPT);
	chunk_free(&datagram);
	forger->destroy(forger);

	/* the right KEK, signed by another key */
	other_key = lib->creds->create(lib->creds, CRED_PRIVATE_KEY, KEY_ED25519,
								   BUILD_KEY_SIZE, 256, BUILD_END);
	ck_assert(other_key);
	pub = other_key->get_public_key(other_key);
	forger = copy_kek(kek);
	forger->set_auth(forger, pub, kek->auth_scheme);
	pub->destroy(pub);
	datagram = build_rekey(forger, 1, NULL, other_key, NULL, 0, 0x2000abcd,
						   0);
	ck_assert_int_eq(receive(datagram), GIKEV2_REKEY_SIGNATURE);
	chunk_free(&datagram);
	forger->destroy(forger);
	other_key->destroy(other_key);

	/* not signed at all */
	forger = copy_kek(kek);
	forger->set_auth(forger, NULL, NULL);
	datagram = build_rekey(forger, 2, NULL, NULL, NULL, 0, 0x2000abcd, 0);
	ck_assert_int_eq(receive(datagram), GIKEV2_REKEY_SIGNATURE);
	chunk_free(&datagram);
	forger->destroy(forger);

	/* a bit flipped in the ciphertext */
	datagram = build_rekey(kek, 3, NULL, signer, NULL, 0, 0x2000abcd, 0);
	datagram.ptr[datagram.len / 2] ^= 0x80;
	ck_assert_int_eq(receive(datagram), GIKEV2_REKEY_DECRYPT);
	chunk_free(&datagram);

	assert_kernel_untouched();
	assert_nothing_sent();
	assert_listed("rekeys-rejected.decrypt", "2");
	assert_listed("rekeys-rejected.signature", "2");
	assert_listed("rekeys-received", "0");
	/* a forgery does not burn Message IDs */
	datagram = build_rekey(kek, 1, NULL, signer, NULL, 0, 0x2000abcd, 0);
	ck_assert_int_eq(receive(datagram), GIKEV2_REKEY_OK);
	free(recording_ipsec_take());
	assert_ack_sent(kek, 1);
	chunk_free(&datagram);
}
END_TEST

START_TEST(test_truncated)
{
	chunk_t datagram, ack;
	size_t len;

	datagram = build_rekey(kek, 0, NULL, signer, NULL, 0, 0x2000abcd, 0);
	for (len = 0; len < datagram.len; len += 7)
	{
		ck_assert_int_eq(receive(chunk_create(datagram.ptr, len)),
						 GIKEV2_REKEY_MALFORMED);
	}
	/* an acknowledgement is no rekey */
	ck_assert(gikev2_rekey_build_ack(kek, 0, &ack, NULL));
	ck_assert_int_eq(receive(ack), GIKEV2_REKEY_MALFORMED);
	chunk_free(&ack);
	assert_kernel_untouched();
	assert_nothing_sent();
	assert_listed("rekeys-received", "0");
	ck_assert_int_eq(receive(datagram), GIKEV2_REKEY_OK);
	free(recording_ipsec_take());
	assert_ack_sent(kek, 0);
	chunk_free(&datagram);
}
END_TEST

START_TEST(test_policy)
{
	chunk_t datagram, gsa, kd, encr, integ, kwk;
	linked_list_t *teks;

	/* authentic, but the TEK's keys are wrapped with another key */
	teks = linked_list_create_with_items(create_tek(0x2000abcd), NULL);
	kek->get_keys(kek, &encr, &integ, &kwk);
	kwk = chunk_clone(kwk);
	kwk.ptr[0] ^= 0xff;
	ck_assert(gikev2_registration_encode(teks, NULL, GIKEV2_GSA_REKEY,
										 kek->kwa, kwk, &gsa, &kd, NULL));
	ck_assert(gikev2_rekey_build(kek, 0, gsa, kd, NULL, 0, signer, &datagram,
								 NULL));
	ck_assert_int_eq(receive(datagram), GIKEV2_REKEY_POLICY);
	assert_kernel_untouched();
	assert_nothing_sent();
	assert_listed("rekeys-rejected.policy", "1");
	chunk_free(&datagram);
	chunk_free(&gsa);
	chunk_clear(&kd);
	chunk_clear(&kwk);
	teks->destroy_offset(teks, offsetof(gdoi_tek_t, destroy));
}
END_TEST

START_TEST(test_new_kek)
{
	gdoi_kek_t *next, *old;
	chunk_t datagram, retransmit;
	char buf[64];

	next = create_kek();
	/* the key server knows the new KEK's authentication, it is not sent */
	next->set_auth(next, kek->auth_key, kek->auth_scheme);
	retransmit = build_rekey(kek, 7, next, signer, NULL, 0, 0x2000abcd, 0);
	ck_assert_int_eq(receive(retransmit), GIKEV2_REKEY_OK);
	free(recording_ipsec_take());
	assert_ack_sent(kek, 7);
	ck_assert(group->has_kek(group, next->spi));
	ck_assert(group->has_kek(group, kek->spi));
	snprintf(buf, sizeof(buf), "%+B", &(chunk_t){next->spi, 16});
	assert_listed("kek.spi", buf);
	assert_listed("last-mid", "-");

	/* a retransmission under the old KEK is a replay, acknowledged again
	 * under the old KEK, as our acknowledgement may have been lost */
	ck_assert_int_eq(receive(retransmit), GIKEV2_REKEY_REPLAY);
	assert_ack_sent(kek, 7);

	/* the new KEK protects what follows, from Message ID 0, signed with
	 * the key the member learned at registration */
	old = kek;
	kek = next;
	datagram = build_rekey(kek, 0, NULL, signer, NULL, 0, 0x3000abcd, 0);
	ck_assert_int_eq(receive(datagram), GIKEV2_REKEY_OK);
	free(recording_ipsec_take());
	assert_ack_sent(kek, 0);
	assert_listed("last-mid", "0");
	chunk_free(&datagram);

	/* after that, the old rekey is refused without an acknowledgement */
	ck_assert_int_eq(receive(retransmit), GIKEV2_REKEY_REPLAY);
	assert_nothing_sent();
	chunk_free(&retransmit);
	/* anything new under the old KEK is refused */
	datagram = build_rekey(old, 8, NULL, signer, NULL, 0, 0x4000abcd, 0);
	ck_assert_int_eq(receive(datagram), GIKEV2_REKEY_REPLAY);
	chunk_free(&datagram);
	assert_kernel_untouched();
	assert_listed("rekeys-rejected.replay", "2");
	assert_listed("duplicates", "1");
	old->destroy(old);
}
END_TEST

START_TEST(test_delete)
{
	uint32_t del[] = { htonl(TEK1) }, all[] = { 0 };
	chunk_t datagram;

	/* a new TEK and a Delete of the old one: the new one sends at once,
	 * the old one goes (after no delay here) */
	datagram = build_rekey(kek, 0, NULL, signer, del, countof(del),
						   0x2000abcd, 0);
	ck_assert_int_eq(receive(datagram), GIKEV2_REKEY_OK);
	chunk_free(&datagram);
	assert_listed("teks.1000abcd.protocol", "-");
	assert_listed("teks.2000abcd.protocol", "ESP");
	free(recording_ipsec_take());
	assert_ack_sent(kek, 0);

	/* SPI 0 deletes every TEK held before the rekey */
	datagram = build_rekey(kek, 1, NULL, signer, all, countof(all),
						   0x3000abcd, 0);
	ck_assert_int_eq(receive(datagram), GIKEV2_REKEY_OK);
	chunk_free(&datagram);
	assert_listed("teks.2000abcd.protocol", "-");
	assert_listed("teks.3000abcd.protocol", "ESP");
	free(recording_ipsec_take());
	assert_ack_sent(kek, 1);

	/* a Delete alone */
	del[0] = htonl(0x3000abcd);
	datagram = build_rekey(kek, 2, NULL, signer, del, countof(del), 0);
	ck_assert_int_eq(receive(datagram), GIKEV2_REKEY_OK);
	chunk_free(&datagram);
	assert_listed("teks.3000abcd.protocol", "-");
	assert_ack_sent(kek, 2);
}
END_TEST

Suite *rekey_suite_create()
{
	Suite *s;
	TCase *tc;

	s = suite_create("gm rekey");

	tc = tcase_create("GSA_REKEY");
	tcase_add_checked_fixture(tc, setup_group, teardown_group);
	tcase_add_test(tc, test_good);
	tcase_add_test(tc, test_multicast_not_acked);
	tcase_add_test(tc, test_replay);
	tcase_add_test(tc, test_unknown_spi);
	tcase_add_test(tc, test_forged);
	tcase_add_test(tc, test_truncated);
	tcase_add_test(tc, test_policy);
	tcase_add_test(tc, test_new_kek);
	tcase_add_test(tc, test_delete);
	suite_add_tcase(s, tc);

	return s;
}
