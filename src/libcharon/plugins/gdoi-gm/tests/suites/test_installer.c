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
 * A TEK with SPI 0x1000abcd, AES-128-CBC/HMAC-SHA2-256-128, 1 hour
 */
static gdoi_tek_t *create_tek(char *src, char *dst)
{
	traffic_selector_t *src_ts, *dst_ts;
	gdoi_tek_t *tek;
	char keymat[48];

	memset(keymat, 0x42, sizeof(keymat));
	src_ts = traffic_selector_create_from_cidr(src, 0, 0, 65535);
	dst_ts = traffic_selector_create_from_cidr(dst, 0, 0, 65535);
	tek = gdoi_tek_create(htonl(0x1000abcd), ENCR_AES_CBC, 128,
						  AUTH_HMAC_SHA2_256_128,
						  chunk_create(keymat, sizeof(keymat)), src_ts,
						  dst_ts, 3600);
	src_ts->destroy(src_ts);
	dst_ts->destroy(dst_ts);
	ck_assert(tek);
	return tek;
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
 * Check the recorded lines: the distinct reqids, in the order they appear,
 * replace %1$u, %3$u and %4$u in the expected lines, and the remaining
 * lifetime of the first add_sa replaces %2$u
 */
static void assert_recorded(char *expected_fmt)
{
	char expected[4096], *got, *pos;
	u_int reqids[3] = {}, reqid, life = 0, count = 0, i;

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
	pos = strstr(got, " life ");
	if (pos)
	{
		sscanf(pos, " life %u", &life);
		ck_assert_msg(life == 3600 || life == 3599, "life %u", life);
	}
	snprintf(expected, sizeof(expected), expected_fmt, reqids[0], life,
			 reqids[1], reqids[2]);
	ck_assert_msg(streq(got, expected), "recorded:\n%s\nexpected:\n%s", got,
				  expected);
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
	installer = gdoi_gm_installer_create("test", local, NULL);
	tek = create_tek("198.51.100.0/24", "239.192.0.1/32");
	ck_assert(installer->install(installer, tek));
	assert_recorded(
"add_policy out 198.51.100.0/24 > 239.192.0.1/32 ipsec default 192.0.2.11 > 239.192.0.1 spi 1000abcd reqid %1$u\n"
"add_policy in 198.51.100.0/24 > 239.192.0.1/32 ipsec default %%any > 239.192.0.1 spi 1000abcd reqid %1$u\n"
"add_policy fwd 198.51.100.0/24 > 239.192.0.1/32 ipsec default %%any > 239.192.0.1 spi 1000abcd reqid %1$u\n"
"add_sa in %%any > 239.192.0.1 spi 1000abcd reqid %1$u TUNNEL replay 0 AES_CBC/16 HMAC_SHA2_256_128/32 ts 198.51.100.0/24 > 239.192.0.1/32 life %2$u\n"
"add_sa out 192.0.2.11 > 239.192.0.1 spi 1000abcd reqid %1$u TUNNEL replay 0 AES_CBC/16 HMAC_SHA2_256_128/32 ts 198.51.100.0/24 > 239.192.0.1/32 life %2$u\n");

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
	installer = gdoi_gm_installer_create("test", local, peers);
	peers->destroy_function(peers, (void*)gdoi_gm_peer_destroy);

	tek = create_tek("198.51.100.0/24", "198.51.100.0/24");
	ck_assert(installer->install(installer, tek));
	/* each copy towards a peer has a reqid of its own (%3$u, %4$u; 0 if
	 * not distinct): userspace IPsec finds a policy's SA by reqid only */
	assert_recorded(
"add_policy out 198.51.100.0/24 > 198.51.100.0/24 drop fallback\n"
"add_policy in 198.51.100.0/24 > 198.51.100.0/24 ipsec default %%any > 192.0.2.11 spi 1000abcd reqid %1$u\n"
"add_policy fwd 198.51.100.0/24 > 198.51.100.0/24 ipsec default %%any > 192.0.2.11 spi 1000abcd reqid %1$u\n"
"add_sa in %%any > 192.0.2.11 spi 1000abcd reqid %1$u TUNNEL replay 0 AES_CBC/16 HMAC_SHA2_256_128/32 ts 198.51.100.0/24 > 198.51.100.0/24 life %2$u\n"
"add_policy out 198.51.100.0/24 > 198.51.100.12/32 ipsec default 192.0.2.11 > 192.0.2.12 spi 1000abcd reqid %3$u\n"
"add_sa out 192.0.2.11 > 192.0.2.12 spi 1000abcd reqid %3$u TUNNEL replay 0 AES_CBC/16 HMAC_SHA2_256_128/32 ts 198.51.100.0/24 > 198.51.100.12/32 life %2$u\n"
"add_policy out 198.51.100.0/24 > 198.51.100.13/32 ipsec default 192.0.2.11 > 192.0.2.13 spi 1000abcd reqid %4$u\n"
"add_sa out 192.0.2.11 > 192.0.2.13 spi 1000abcd reqid %4$u TUNNEL replay 0 AES_CBC/16 HMAC_SHA2_256_128/32 ts 198.51.100.0/24 > 198.51.100.13/32 life %2$u\n");
	installer->destroy(installer);
	assert_recorded(
"del_sa 192.0.2.11 > 192.0.2.13 spi 1000abcd\n"
"del_policy out 198.51.100.0/24 > 198.51.100.13/32 ipsec\n"
"del_sa 192.0.2.11 > 192.0.2.12 spi 1000abcd\n"
"del_policy out 198.51.100.0/24 > 198.51.100.12/32 ipsec\n"
"del_sa %%any > 192.0.2.11 spi 1000abcd\n"
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
	installer = gdoi_gm_installer_create("test", local, NULL);
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

	return s;
}
