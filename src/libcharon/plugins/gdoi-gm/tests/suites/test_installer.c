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
#include <gdoi_gm_installer.h>

#include "utils/recording_ipsec.h"

static gdoi_gm_installer_t *installer;

START_SETUP(setup_kernel)
{
	ck_assert(charon->kernel->add_ipsec_interface(charon->kernel,
												  recording_ipsec_create));
}
END_SETUP

START_TEARDOWN(teardown_kernel)
{
	charon->kernel->remove_ipsec_interface(charon->kernel,
										   recording_ipsec_create);
}
END_TEARDOWN

/**
 * A TEK, AES-128-CBC/HMAC-SHA2-256-128
 */
static gdoi_tek_t *create_tek_spi(uint32_t spi, char *src, char *dst,
								  uint32_t lifetime)
{
	traffic_selector_t *src_ts, *dst_ts;
	gdoi_tek_t *tek;
	char keymat[48];

	memset(keymat, 0x42, sizeof(keymat));
	src_ts = traffic_selector_create_from_cidr(src, 0, 0, 65535);
	dst_ts = traffic_selector_create_from_cidr(dst, 0, 0, 65535);
	tek = gdoi_tek_create(htonl(spi), ENCR_AES_CBC, 128,
						  AUTH_HMAC_SHA2_256_128,
						  chunk_create(keymat, sizeof(keymat)), src_ts,
						  dst_ts, lifetime);
	src_ts->destroy(src_ts);
	dst_ts->destroy(dst_ts);
	ck_assert(tek);
	return tek;
}

/**
 * A TEK with SPI 0x1000abcd, 1 hour
 */
static gdoi_tek_t *create_tek(char *src, char *dst)
{
	return create_tek_spi(0x1000abcd, src, dst, 3600);
}

/**
 * Add a peer to a list
 */
static void add_peer(linked_list_t *peers, char *address, char *ts)
{
	gdoi_gm_peer_t *peer;

	INIT(peer,
		.address = host_create_from_string(address, 0),
		.ts = traffic_selector_create_from_cidr(ts, 0, 0, 65535),
	);
	peers->insert_last(peers, peer);
}

/**
 * Whether a recorded line is the expected one; the remaining lifetime of an
 * SA may be a second less, if a second passed since the test computed it
 */
static bool line_matches(char *got, char *expected)
{
	char *got_life, *expected_life;
	u_int got_val, expected_val;

	got_life = strstr(got, " life ");
	expected_life = strstr(expected, " life ");
	if (!got_life || !expected_life)
	{
		return streq(got, expected);
	}
	return got_life - got == expected_life - expected &&
		   strneq(got, expected, got_life - got) &&
		   sscanf(got_life, " life %u", &got_val) == 1 &&
		   sscanf(expected_life, " life %u", &expected_val) == 1 &&
		   (got_val == expected_val || got_val + 1 == expected_val);
}

/**
 * Check the recorded lines: the distinct reqids, in the order they appear,
 * replace %1$u, %2$u and %3$u in the expected lines; the remaining
 * lifetimes ("life N") may be a second less than expected
 */
static void assert_recorded(char *expected_fmt)
{
	char expected[8192], *got, *pos, *got_line, *expected_line;
	char *got_save = NULL, *expected_save = NULL, *got_copy;
	u_int reqids[3] = {}, reqid, count = 0, i;
	bool ok = TRUE;

	got = recording_ipsec_take();
	for (pos = strstr(got, "reqid "); pos; pos = strstr(pos + 1, "reqid "))
	{
		if (sscanf(pos, "reqid %u", &reqid) != 1)
		{
			continue;
		}
		for (i = 0; i < count && reqids[i] != reqid; i++)
		{
			/* already seen */
		}
		if (i == count && count < countof(reqids))
		{
			reqids[count++] = reqid;
		}
	}
	snprintf(expected, sizeof(expected), expected_fmt, reqids[0], reqids[1],
			 reqids[2]);
	got_copy = strdup(got);
	got_line = strtok_r(got_copy, "\n", &got_save);
	expected_line = strtok_r(expected, "\n", &expected_save);
	while (ok && (got_line || expected_line))
	{
		ok = got_line && expected_line &&
			 line_matches(got_line, expected_line);
		got_line = strtok_r(NULL, "\n", &got_save);
		expected_line = strtok_r(NULL, "\n", &expected_save);
	}
	free(got_copy);
	snprintf(expected, sizeof(expected), expected_fmt, reqids[0], reqids[1],
			 reqids[2]);
	ck_assert_msg(ok, "recorded:\n%s\nexpected:\n%s", got, expected);
	free(got);
}

/**
 * Check that nothing was recorded
 */
static void assert_nothing_recorded()
{
	char *got;

	got = recording_ipsec_take();
	ck_assert_msg(streq(got, ""), "recorded:\n%s", got);
	free(got);
}

START_TEST(test_multicast)
{
	enumerator_t *enumerator;
	gdoi_tek_t *tek, *installed;
	host_t *local;

	local = host_create_from_string("192.0.2.11", 0);
	installer = gdoi_gm_installer_create("test", local, NULL, 30);
	tek = create_tek("198.51.100.0/24", "239.192.0.1/32");
	ck_assert(installer->install(installer, tek));
	assert_recorded(
"add_policy out 198.51.100.0/24 > 239.192.0.1/32 ipsec default 192.0.2.11 > 239.192.0.1 spi 1000abcd reqid %1$u\n"
"add_policy in 198.51.100.0/24 > 239.192.0.1/32 ipsec default %%any > 239.192.0.1 spi 1000abcd reqid %1$u\n"
"add_policy fwd 198.51.100.0/24 > 239.192.0.1/32 ipsec default %%any > 239.192.0.1 spi 1000abcd reqid %1$u\n"
"add_sa in %%any > 239.192.0.1 spi 1000abcd reqid %1$u TUNNEL replay 0 AES_CBC/16 HMAC_SHA2_256_128/32 ts 198.51.100.0/24 > 239.192.0.1/32 life 3600\n"
"add_sa out 192.0.2.11 > 239.192.0.1 spi 1000abcd reqid %1$u TUNNEL replay 0 AES_CBC/16 HMAC_SHA2_256_128/32 ts 198.51.100.0/24 > 239.192.0.1/32 life 3600\n");

	/* installed once only */
	ck_assert(!installer->install(installer, tek));
	assert_nothing_recorded();
	enumerator = installer->create_enumerator(installer);
	ck_assert(enumerator->enumerate(enumerator, &installed));
	ck_assert(installed == tek);
	ck_assert(!enumerator->enumerate(enumerator, &installed));
	enumerator->destroy(enumerator);

	/* removed in reverse order */
	ck_assert(!installer->uninstall(installer, htonl(0x1000abce)));
	ck_assert(installer->uninstall(installer, tek->spi));
	assert_recorded(
"del_sa 192.0.2.11 > 239.192.0.1 spi 1000abcd\n"
"del_sa %%any > 239.192.0.1 spi 1000abcd\n"
"del_policy fwd 198.51.100.0/24 > 239.192.0.1/32 ipsec\n"
"del_policy in 198.51.100.0/24 > 239.192.0.1/32 ipsec\n"
"del_policy out 198.51.100.0/24 > 239.192.0.1/32 ipsec\n");
	installer->destroy(installer);
	assert_nothing_recorded();
	tek->destroy(tek);
	local->destroy(local);
}
END_TEST

START_TEST(test_unicast_peers)
{
	linked_list_t *peers;
	gdoi_tek_t *tek;
	host_t *local;

	local = host_create_from_string("192.0.2.11", 0);
	peers = linked_list_create();
	add_peer(peers, "192.0.2.12", "198.51.100.12/32");
	/* the member itself is skipped */
	add_peer(peers, "192.0.2.11", "198.51.100.11/32");
	/* a peer without traffic of the TEK gets no copy */
	add_peer(peers, "192.0.2.14", "203.0.113.0/24");
	add_peer(peers, "192.0.2.13", "198.51.100.13/32");
	installer = gdoi_gm_installer_create("test", local, peers, 30);
	peers->destroy_function(peers, (void*)gdoi_gm_peer_destroy);

	tek = create_tek("198.51.100.0/24", "198.51.100.0/24");
	ck_assert(installer->install(installer, tek));
	/* each copy towards a peer has a reqid of its own (%2$u, %3$u; 0 if
	 * not distinct): userspace IPsec finds a policy's SA by reqid only */
	assert_recorded(
"add_policy out 198.51.100.0/24 > 198.51.100.0/24 drop fallback\n"
"add_policy in 198.51.100.0/24 > 198.51.100.0/24 ipsec default %%any > 192.0.2.11 spi 1000abcd reqid %1$u\n"
"add_policy fwd 198.51.100.0/24 > 198.51.100.0/24 ipsec default %%any > 192.0.2.11 spi 1000abcd reqid %1$u\n"
"add_sa in %%any > 192.0.2.11 spi 1000abcd reqid %1$u TUNNEL replay 0 AES_CBC/16 HMAC_SHA2_256_128/32 ts 198.51.100.0/24 > 198.51.100.0/24 life 3600\n"
"add_policy out 198.51.100.0/24 > 198.51.100.12/32 ipsec default 192.0.2.11 > 192.0.2.12 spi 1000abcd reqid %2$u\n"
"add_sa out 192.0.2.11 > 192.0.2.12 spi 1000abcd reqid %2$u TUNNEL replay 0 AES_CBC/16 HMAC_SHA2_256_128/32 ts 198.51.100.0/24 > 198.51.100.12/32 life 3600\n"
"add_policy out 198.51.100.0/24 > 198.51.100.13/32 ipsec default 192.0.2.11 > 192.0.2.13 spi 1000abcd reqid %3$u\n"
"add_sa out 192.0.2.11 > 192.0.2.13 spi 1000abcd reqid %3$u TUNNEL replay 0 AES_CBC/16 HMAC_SHA2_256_128/32 ts 198.51.100.0/24 > 198.51.100.13/32 life 3600\n");
	/* the SAs go first, then the policies: nothing leaves in the clear */
	installer->destroy(installer);
	assert_recorded(
"del_sa 192.0.2.11 > 192.0.2.13 spi 1000abcd\n"
"del_sa 192.0.2.11 > 192.0.2.12 spi 1000abcd\n"
"del_sa %%any > 192.0.2.11 spi 1000abcd\n"
"del_policy out 198.51.100.0/24 > 198.51.100.13/32 ipsec\n"
"del_policy out 198.51.100.0/24 > 198.51.100.12/32 ipsec\n"
"del_policy fwd 198.51.100.0/24 > 198.51.100.0/24 ipsec\n"
"del_policy in 198.51.100.0/24 > 198.51.100.0/24 ipsec\n"
"del_policy out 198.51.100.0/24 > 198.51.100.0/24 drop\n");
	tek->destroy(tek);
	local->destroy(local);
}
END_TEST

START_TEST(test_rollback)
{
	enumerator_t *enumerator;
	gdoi_tek_t *tek, *installed;
	host_t *local;

	local = host_create_from_string("192.0.2.11", 0);
	installer = gdoi_gm_installer_create("test", local, NULL, 30);
	tek = create_tek("198.51.100.0/24", "239.192.0.1/32");
	/* the inbound SA fails: the policies go again, nothing stays */
	recording_ipsec_fail(4);
	ck_assert(!installer->install(installer, tek));
	assert_recorded(
"add_policy out 198.51.100.0/24 > 239.192.0.1/32 ipsec default 192.0.2.11 > 239.192.0.1 spi 1000abcd reqid %1$u\n"
"add_policy in 198.51.100.0/24 > 239.192.0.1/32 ipsec default %%any > 239.192.0.1 spi 1000abcd reqid %1$u\n"
"add_policy fwd 198.51.100.0/24 > 239.192.0.1/32 ipsec default %%any > 239.192.0.1 spi 1000abcd reqid %1$u\n"
"add_sa FAILED\n"
"del_policy fwd 198.51.100.0/24 > 239.192.0.1/32 ipsec\n"
"del_policy in 198.51.100.0/24 > 239.192.0.1/32 ipsec\n"
"del_policy out 198.51.100.0/24 > 239.192.0.1/32 ipsec\n");
	enumerator = installer->create_enumerator(installer);
	ck_assert(!enumerator->enumerate(enumerator, &installed));
	enumerator->destroy(enumerator);
	/* and a retry works */
	ck_assert(installer->install(installer, tek));
	free(recording_ipsec_take());
	installer->destroy(installer);
	free(recording_ipsec_take());
	tek->destroy(tek);
	local->destroy(local);
}
END_TEST

/**
 * The multicast TEK policies and SAs of SPI 0x1000abcd, reqid %1$u
 */
#define MCAST_INSTALL \
"add_policy out 198.51.100.0/24 > 239.192.0.1/32 ipsec default 192.0.2.11 > 239.192.0.1 spi 1000abcd reqid %1$u\n" \
"add_policy in 198.51.100.0/24 > 239.192.0.1/32 ipsec default %%any > 239.192.0.1 spi 1000abcd reqid %1$u\n" \
"add_policy fwd 198.51.100.0/24 > 239.192.0.1/32 ipsec default %%any > 239.192.0.1 spi 1000abcd reqid %1$u\n" \
"add_sa in %%any > 239.192.0.1 spi 1000abcd reqid %1$u TUNNEL replay 0 AES_CBC/16 HMAC_SHA2_256_128/32 ts 198.51.100.0/24 > 239.192.0.1/32 life 3600\n" \
"add_sa out 192.0.2.11 > 239.192.0.1 spi 1000abcd reqid %1$u TUNNEL replay 0 AES_CBC/16 HMAC_SHA2_256_128/32 ts 198.51.100.0/24 > 239.192.0.1/32 life 3600\n"

/**
 * The removal of the multicast policies
 */
#define MCAST_POLICIES_GONE \
"del_policy fwd 198.51.100.0/24 > 239.192.0.1/32 ipsec\n" \
"del_policy in 198.51.100.0/24 > 239.192.0.1/32 ipsec\n" \
"del_policy out 198.51.100.0/24 > 239.192.0.1/32 ipsec\n"

/**
 * Check the rollover state of the only traffic
 */
static void assert_rollover(time_t now, uint32_t current, uint32_t next,
							uint32_t switch_in)
{
	enumerator_t *enumerator;
	gdoi_gm_rollover_t *rollover;

	enumerator = installer->create_rollover_enumerator(installer, now);
	ck_assert(enumerator->enumerate(enumerator, &rollover));
	ck_assert_int_eq(ntohl(rollover->current), current);
	ck_assert_int_eq(ntohl(rollover->next), next);
	ck_assert_int_eq(rollover->switch_in, switch_in);
	ck_assert(!enumerator->enumerate(enumerator, &rollover));
	enumerator->destroy(enumerator);
}

/**
 * Check the SPIs of the installed TEKs, in order, 0-terminated
 */
static void assert_installed(uint32_t spi, ...)
{
	enumerator_t *enumerator;
	gdoi_tek_t *tek;
	va_list args;

	va_start(args, spi);
	enumerator = installer->create_enumerator(installer);
	while (enumerator->enumerate(enumerator, &tek))
	{
		ck_assert_msg(spi, "TEK %.8x installed", ntohl(tek->spi));
		ck_assert_int_eq(ntohl(tek->spi), spi);
		spi = va_arg(args, uint32_t);
	}
	enumerator->destroy(enumerator);
	va_end(args);
	ck_assert_msg(!spi, "TEK %.8x not installed", spi);
}

START_TEST(test_rollover_multicast)
{
	gdoi_tek_t *old, *new;
	host_t *local;
	time_t base;

	local = host_create_from_string("192.0.2.11", 0);
	installer = gdoi_gm_installer_create("test", local, NULL, 30);
	old = create_tek("198.51.100.0/24", "239.192.0.1/32");
	new = create_tek_spi(0x2000abcd, "198.51.100.0/24", "239.192.0.1/32",
						 7200);
	base = new->created = old->created;
	ck_assert(installer->install(installer, old));
	assert_recorded(MCAST_INSTALL);

	/* the new TEK for the same traffic: inbound only, same reqid, the
	 * policies stay */
	ck_assert(installer->install(installer, new));
	assert_recorded(
"add_sa in %%any > 239.192.0.1 spi 2000abcd reqid %1$u TUNNEL replay 0 AES_CBC/16 HMAC_SHA2_256_128/32 ts 198.51.100.0/24 > 239.192.0.1/32 life 7200\n");
	assert_rollover(base, 0x1000abcd, 0x2000abcd, 3570);
	assert_installed(0x1000abcd, 0x2000abcd, 0);

	/* nothing before the switch-over, 30 s before the old TEK expires */
	ck_assert_int_eq(installer->tick(installer, base + 3569), base + 3570);
	assert_nothing_recorded();
	assert_rollover(base + 3569, 0x1000abcd, 0x2000abcd, 1);

	/* then the new outbound SA first, and the old one goes */
	ck_assert_int_eq(installer->tick(installer, base + 3570), base + 3600);
	assert_recorded(
"add_sa out 192.0.2.11 > 239.192.0.1 spi 2000abcd reqid %1$u TUNNEL replay 0 AES_CBC/16 HMAC_SHA2_256_128/32 ts 198.51.100.0/24 > 239.192.0.1/32 life 3630\n"
"del_sa 192.0.2.11 > 239.192.0.1 spi 1000abcd\n");
	assert_rollover(base + 3570, 0x2000abcd, 0, 0);

	/* the old inbound SA stays until the old TEK expires */
	ck_assert_int_eq(installer->tick(installer, base + 3599), base + 3600);
	assert_nothing_recorded();
	ck_assert_int_eq(installer->tick(installer, base + 3600), base + 7200);
	assert_recorded(
"del_sa %%any > 239.192.0.1 spi 1000abcd\n");
	assert_installed(0x2000abcd, 0);

	installer->destroy(installer);
	assert_recorded(
"del_sa 192.0.2.11 > 239.192.0.1 spi 2000abcd\n"
"del_sa %%any > 239.192.0.1 spi 2000abcd\n"
MCAST_POLICIES_GONE);
	old->destroy(old);
	new->destroy(new);
	local->destroy(local);
}
END_TEST

START_TEST(test_rollover_at_once)
{
	gdoi_tek_t *old, *new;
	host_t *local;

	local = host_create_from_string("192.0.2.11", 0);
	installer = gdoi_gm_installer_create("test", local, NULL, 30);
	/* 20 s left, less than the margin */
	old = create_tek("198.51.100.0/24", "239.192.0.1/32");
	old->created -= 3580;
	new = create_tek_spi(0x2000abcd, "198.51.100.0/24", "239.192.0.1/32",
						 7200);
	ck_assert(installer->install(installer, old));
	free(recording_ipsec_take());
	ck_assert(installer->install(installer, new));
	assert_recorded(
"add_sa in %%any > 239.192.0.1 spi 2000abcd reqid %1$u TUNNEL replay 0 AES_CBC/16 HMAC_SHA2_256_128/32 ts 198.51.100.0/24 > 239.192.0.1/32 life 7200\n"
"add_sa out 192.0.2.11 > 239.192.0.1 spi 2000abcd reqid %1$u TUNNEL replay 0 AES_CBC/16 HMAC_SHA2_256_128/32 ts 198.51.100.0/24 > 239.192.0.1/32 life 7200\n"
"del_sa 192.0.2.11 > 239.192.0.1 spi 1000abcd\n");
	installer->destroy(installer);
	free(recording_ipsec_take());
	old->destroy(old);
	new->destroy(new);
	local->destroy(local);
}
END_TEST

START_TEST(test_rollover_overlap)
{
	gdoi_tek_t *old, *new;
	host_t *local;

	local = host_create_from_string("192.0.2.11", 0);
	installer = gdoi_gm_installer_create("test", local, NULL, 30);
	new = create_tek_spi(0x2000abcd, "198.51.100.0/24", "239.192.0.1/32",
						 7200);
	old = create_tek("198.51.100.0/24", "239.192.0.1/32");
	ck_assert(installer->install(installer, new));
	free(recording_ipsec_take());
	/* a registration in the overlap: the TEK with the least lifetime above
	 * the margin sends, whatever the order they come in */
	ck_assert(installer->install(installer, old));
	assert_recorded(
"add_sa in %%any > 239.192.0.1 spi 1000abcd reqid %1$u TUNNEL replay 0 AES_CBC/16 HMAC_SHA2_256_128/32 ts 198.51.100.0/24 > 239.192.0.1/32 life 3600\n"
"add_sa out 192.0.2.11 > 239.192.0.1 spi 1000abcd reqid %1$u TUNNEL replay 0 AES_CBC/16 HMAC_SHA2_256_128/32 ts 198.51.100.0/24 > 239.192.0.1/32 life 3600\n"
"del_sa 192.0.2.11 > 239.192.0.1 spi 2000abcd\n");
	assert_rollover(time_monotonic(NULL), 0x1000abcd, 0x2000abcd,
					old->created + 3570 - time_monotonic(NULL));
	installer->destroy(installer);
	free(recording_ipsec_take());
	old->destroy(old);
	new->destroy(new);
	local->destroy(local);
}
END_TEST

START_TEST(test_rollover_unicast)
{
	linked_list_t *peers;
	gdoi_tek_t *old, *new;
	host_t *local;
	time_t base;

	local = host_create_from_string("192.0.2.11", 0);
	peers = linked_list_create();
	add_peer(peers, "192.0.2.12", "198.51.100.12/32");
	add_peer(peers, "192.0.2.13", "198.51.100.13/32");
	installer = gdoi_gm_installer_create("test", local, peers, 30);
	peers->destroy_function(peers, (void*)gdoi_gm_peer_destroy);
	old = create_tek("198.51.100.0/24", "198.51.100.0/24");
	new = create_tek_spi(0x2000abcd, "198.51.100.0/24", "198.51.100.0/24",
						 7200);
	base = new->created = old->created;
	ck_assert(installer->install(installer, old));
	free(recording_ipsec_take());
	ck_assert(installer->install(installer, new));
	assert_recorded(
"add_sa in %%any > 192.0.2.11 spi 2000abcd reqid %1$u TUNNEL replay 0 AES_CBC/16 HMAC_SHA2_256_128/32 ts 198.51.100.0/24 > 198.51.100.0/24 life 7200\n");
	/* each copy moves with the reqid of its peer */
	installer->tick(installer, base + 3570);
	assert_recorded(
"add_sa out 192.0.2.11 > 192.0.2.12 spi 2000abcd reqid %1$u TUNNEL replay 0 AES_CBC/16 HMAC_SHA2_256_128/32 ts 198.51.100.0/24 > 198.51.100.12/32 life 3630\n"
"del_sa 192.0.2.11 > 192.0.2.12 spi 1000abcd\n"
"add_sa out 192.0.2.11 > 192.0.2.13 spi 2000abcd reqid %2$u TUNNEL replay 0 AES_CBC/16 HMAC_SHA2_256_128/32 ts 198.51.100.0/24 > 198.51.100.13/32 life 3630\n"
"del_sa 192.0.2.11 > 192.0.2.13 spi 1000abcd\n");
	installer->tick(installer, base + 3600);
	assert_recorded(
"del_sa %%any > 192.0.2.11 spi 1000abcd\n");
	installer->destroy(installer);
	free(recording_ipsec_take());
	old->destroy(old);
	new->destroy(new);
	local->destroy(local);
}
END_TEST

START_TEST(test_retire)
{
	gdoi_tek_t *old, *new;
	host_t *local;
	time_t now;

	local = host_create_from_string("192.0.2.11", 0);
	installer = gdoi_gm_installer_create("test", local, NULL, 30);
	old = create_tek("198.51.100.0/24", "239.192.0.1/32");
	new = create_tek_spi(0x2000abcd, "198.51.100.0/24", "239.192.0.1/32",
						 7200);
	ck_assert(installer->install(installer, old));
	ck_assert(installer->install(installer, new));
	free(recording_ipsec_take());

	/* a Delete of the sending TEK: traffic moves at once, the inbound SA
	 * goes after the delay */
	ck_assert(!installer->retire(installer, htonl(0x3000abcd), 5));
	now = time_monotonic(NULL);
	ck_assert(installer->retire(installer, old->spi, 5));
	assert_recorded(
"add_sa out 192.0.2.11 > 239.192.0.1 spi 2000abcd reqid %1$u TUNNEL replay 0 AES_CBC/16 HMAC_SHA2_256_128/32 ts 198.51.100.0/24 > 239.192.0.1/32 life 7200\n"
"del_sa 192.0.2.11 > 239.192.0.1 spi 1000abcd\n");
	installer->tick(installer, now + 4);
	assert_nothing_recorded();
	installer->tick(installer, now + 6);
	assert_recorded(
"del_sa %%any > 239.192.0.1 spi 1000abcd\n");
	assert_installed(0x2000abcd, 0);

	/* the last TEK of the traffic keeps sending until it goes, and the
	 * policies go with it */
	now = time_monotonic(NULL);
	ck_assert(installer->retire(installer, new->spi, 5));
	assert_nothing_recorded();
	installer->tick(installer, now + 6);
	assert_recorded(
"del_sa 192.0.2.11 > 239.192.0.1 spi 2000abcd\n"
"del_sa %%any > 239.192.0.1 spi 2000abcd\n"
MCAST_POLICIES_GONE);
	assert_installed(0);
	installer->destroy(installer);
	assert_nothing_recorded();
	old->destroy(old);
	new->destroy(new);
	local->destroy(local);
}
END_TEST

START_TEST(test_uninstall_sending)
{
	gdoi_tek_t *old, *new;
	host_t *local;

	local = host_create_from_string("192.0.2.11", 0);
	installer = gdoi_gm_installer_create("test", local, NULL, 30);
	old = create_tek("198.51.100.0/24", "239.192.0.1/32");
	new = create_tek_spi(0x2000abcd, "198.51.100.0/24", "239.192.0.1/32",
						 7200);
	ck_assert(installer->install(installer, old));
	ck_assert(installer->install(installer, new));
	free(recording_ipsec_take());
	/* the other TEK takes over before the SAs go */
	ck_assert(installer->uninstall(installer, old->spi));
	assert_recorded(
"add_sa out 192.0.2.11 > 239.192.0.1 spi 2000abcd reqid %1$u TUNNEL replay 0 AES_CBC/16 HMAC_SHA2_256_128/32 ts 198.51.100.0/24 > 239.192.0.1/32 life 7200\n"
"del_sa 192.0.2.11 > 239.192.0.1 spi 1000abcd\n"
"del_sa %%any > 239.192.0.1 spi 1000abcd\n");
	ck_assert(installer->uninstall(installer, new->spi));
	assert_recorded(
"del_sa 192.0.2.11 > 239.192.0.1 spi 2000abcd\n"
"del_sa %%any > 239.192.0.1 spi 2000abcd\n"
MCAST_POLICIES_GONE);
	installer->destroy(installer);
	assert_nothing_recorded();
	old->destroy(old);
	new->destroy(new);
	local->destroy(local);
}
END_TEST

START_TEST(test_expiry_keeps_policies)
{
	gdoi_tek_t *old, *new;
	host_t *local;
	time_t base;

	local = host_create_from_string("192.0.2.11", 0);
	installer = gdoi_gm_installer_create("test", local, NULL, 30);
	old = create_tek("198.51.100.0/24", "239.192.0.1/32");
	base = old->created;
	ck_assert(installer->install(installer, old));
	assert_recorded(MCAST_INSTALL);
	ck_assert_int_eq(installer->tick(installer, base + 3570), base + 3600);
	assert_nothing_recorded();

	/* no successor: the SAs go at expiry, the policies stay, so that the
	 * traffic is dropped rather than sent in the clear */
	ck_assert_int_eq(installer->tick(installer, base + 3600), 0);
	assert_recorded(
"del_sa 192.0.2.11 > 239.192.0.1 spi 1000abcd\n"
"del_sa %%any > 239.192.0.1 spi 1000abcd\n");
	assert_installed(0);
	assert_rollover(base + 3600, 0, 0, 0);

	/* keys from a re-registration use them again */
	new = create_tek_spi(0x2000abcd, "198.51.100.0/24", "239.192.0.1/32",
						 7200);
	ck_assert(installer->install(installer, new));
	assert_recorded(
"add_sa in %%any > 239.192.0.1 spi 2000abcd reqid %1$u TUNNEL replay 0 AES_CBC/16 HMAC_SHA2_256_128/32 ts 198.51.100.0/24 > 239.192.0.1/32 life 7200\n"
"add_sa out 192.0.2.11 > 239.192.0.1 spi 2000abcd reqid %1$u TUNNEL replay 0 AES_CBC/16 HMAC_SHA2_256_128/32 ts 198.51.100.0/24 > 239.192.0.1/32 life 7200\n");
	installer->destroy(installer);
	assert_recorded(
"del_sa 192.0.2.11 > 239.192.0.1 spi 2000abcd\n"
"del_sa %%any > 239.192.0.1 spi 2000abcd\n"
MCAST_POLICIES_GONE);
	old->destroy(old);
	new->destroy(new);
	local->destroy(local);
}
END_TEST

START_TEST(test_expired_refused)
{
	gdoi_tek_t *tek;
	host_t *local;

	local = host_create_from_string("192.0.2.11", 0);
	installer = gdoi_gm_installer_create("test", local, NULL, 30);
	tek = create_tek("198.51.100.0/24", "239.192.0.1/32");
	tek->created -= 3600;
	ck_assert(!installer->install(installer, tek));
	assert_nothing_recorded();
	installer->destroy(installer);
	tek->destroy(tek);
	local->destroy(local);
}
END_TEST

START_TEST(test_timer_job)
{
	gdoi_gm_installer_t *gone;
	gdoi_tek_t *tek, *other;
	enumerator_t *enumerator;
	host_t *local;
	bool empty = FALSE;
	int i;

	lib->processor->set_threads(lib->processor, 2);
	local = host_create_from_string("192.0.2.11", 0);
	installer = gdoi_gm_installer_create("test", local, NULL, 30);
	gone = gdoi_gm_installer_create("gone", local, NULL, 30);
	tek = create_tek_spi(0x1000abcd, "198.51.100.0/24", "239.192.0.1/32", 1);
	other = create_tek_spi(0x2000abcd, "198.51.100.0/24", "239.192.0.2/32",
						   1);
	ck_assert(installer->install(installer, tek));
	ck_assert(gone->install(gone, other));
	/* the job scheduled for this one finds it gone */
	gone->destroy(gone);
	free(recording_ipsec_take());

	/* the scheduled job removes the expired SAs */
	for (i = 0; i < 100 && !empty; i++)
	{
		usleep(100000);
		enumerator = installer->create_enumerator(installer);
		empty = !enumerator->enumerate(enumerator, &tek);
		enumerator->destroy(enumerator);
	}
	ck_assert(empty);
	assert_recorded(
"del_sa 192.0.2.11 > 239.192.0.1 spi 1000abcd\n"
"del_sa %%any > 239.192.0.1 spi 1000abcd\n");
	installer->destroy(installer);
	free(recording_ipsec_take());
	tek->destroy(tek);
	other->destroy(other);
	local->destroy(local);
}
END_TEST

Suite *installer_suite_create()
{
	Suite *s;
	TCase *tc;

	s = suite_create("gm installer");

	tc = tcase_create("group SAs");
	tcase_add_checked_fixture(tc, setup_kernel, teardown_kernel);
	tcase_add_test(tc, test_multicast);
	tcase_add_test(tc, test_unicast_peers);
	tcase_add_test(tc, test_rollback);
	suite_add_tcase(s, tc);

	tc = tcase_create("rollover");
	tcase_add_checked_fixture(tc, setup_kernel, teardown_kernel);
	tcase_add_test(tc, test_rollover_multicast);
	tcase_add_test(tc, test_rollover_at_once);
	tcase_add_test(tc, test_rollover_overlap);
	tcase_add_test(tc, test_rollover_unicast);
	tcase_add_test(tc, test_retire);
	tcase_add_test(tc, test_uninstall_sending);
	tcase_add_test(tc, test_expiry_keeps_policies);
	tcase_add_test(tc, test_expired_refused);
	suite_add_tcase(s, tc);

	tc = tcase_create("timer");
	tcase_add_checked_fixture(tc, setup_kernel, teardown_kernel);
	tcase_add_test(tc, test_timer_job);
	suite_add_tcase(s, tc);

	return s;
}
