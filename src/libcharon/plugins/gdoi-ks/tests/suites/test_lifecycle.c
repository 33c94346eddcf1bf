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

#include <gdoi_ks_lifecycle.h>
#include <gdoi_timing.h>

/**
 * A configuration with only what the timers read (the parser is tested
 * in libgdoi)
 */
static gdoi_group_cfg_t make_cfg(uint32_t tek, uint32_t kek,
								 gdoi_rekey_transport_t rekey,
								 uint32_t retransmit, uint32_t retransmits)
{
	return (gdoi_group_cfg_t){
		.tek_lifetime = tek,
		.kek_lifetime = kek,
		.rekey = rekey,
		.rekey_retransmit = retransmit,
		.rekey_retransmits = retransmits,
		.tek_rekey_lead = GDOI_TEK_REKEY_LEAD,
		.kek_rekey_lead = GDOI_KEK_REKEY_LEAD,
	};
}

static struct {
	uint32_t tek;
	gdoi_rekey_transport_t rekey;
	uint32_t retransmit;
	uint32_t retransmits;
	u_int members;
	uint32_t at;
} tek_tests[] = {
	/* GET VPN's worked example: 1000 GMs, T = 7200, 2 retransmits 60 s
	 * apart: 7200 - [720 + 120 + 100] = 6260 */
	{ 7200, GDOI_REKEY_UNICAST, 60, 2, 1000, 6260 },
	/* multicast takes no time per member */
	{ 7200, GDOI_REKEY_MULTICAST, 60, 2, 1000, 6360 },
	/* defaults: 1 h, 2 x 10 s, few members */
	{ 3600, GDOI_REKEY_UNICAST, 10, 2, 3, 3220 },
	/* the shortest lifetime without test_lifetimes */
	{ 300, GDOI_REKEY_UNICAST, 10, 2, 0, 190 },
	/* test lifetimes: the leads shrink with the lifetime */
	{ 60, GDOI_REKEY_UNICAST, 1, 2, 2, 31 },
	/* retransmissions longer than the lifetime: half of it, not at once */
	{ 60, GDOI_REKEY_UNICAST, 30, 3, 2, 30 },
	{ 10, GDOI_REKEY_MULTICAST, 10, 1, 0, 5 },
	/* huge retransmission settings do not overflow */
	{ 3600, GDOI_REKEY_UNICAST, UINT32_MAX, UINT32_MAX, 0, 1800 },
};

START_TEST(test_tek_rekey_at)
{
	gdoi_group_cfg_t cfg;

	cfg = make_cfg(tek_tests[_i].tek, 86400, tek_tests[_i].rekey,
				   tek_tests[_i].retransmit, tek_tests[_i].retransmits);
	ck_assert_int_eq(gdoi_ks_tek_rekey_at(&cfg, tek_tests[_i].members),
					 tek_tests[_i].at);
}
END_TEST

static struct {
	uint32_t kek;
	gdoi_rekey_transport_t rekey;
	uint32_t retransmit;
	uint32_t retransmits;
	u_int members;
	uint32_t at;
} kek_tests[] = {
	/* 86400 - (200 + 120 + 5 * (1 + 1000 / 50)) */
	{ 86400, GDOI_REKEY_UNICAST, 60, 2, 1000, 85975 },
	{ 86400, GDOI_REKEY_MULTICAST, 60, 2, 1000, 86080 },
	/* 300 s: 300 - (120 + 20 + 5) */
	{ 300, GDOI_REKEY_UNICAST, 10, 2, 0, 155 },
	/* nothing left: half of it */
	{ 300, GDOI_REKEY_UNICAST, 100, 3, 0, 150 },
};

START_TEST(test_kek_rekey_at)
{
	gdoi_group_cfg_t cfg;

	cfg = make_cfg(3600, kek_tests[_i].kek, kek_tests[_i].rekey,
				   kek_tests[_i].retransmit, kek_tests[_i].retransmits);
	ck_assert_int_eq(gdoi_ks_kek_rekey_at(&cfg, kek_tests[_i].members),
					 kek_tests[_i].at);
}
END_TEST

START_TEST(test_rekey_due)
{
	gdoi_group_cfg_t cfg;
	gdoi_ks_due_t due;

	/* TEKs rekeyed at 3220 s, KEK at 86175 s (unicast, 3 members) */
	cfg = make_cfg(3600, 86400, GDOI_REKEY_UNICAST, 10, 2);
	due = gdoi_ks_rekey_due(&cfg, 3, 1000, 1000, 1000);
	ck_assert(!due.tek && !due.kek);
	ck_assert_int_eq(due.tek_in, 3220);
	ck_assert_int_eq(due.kek_in, 86175);

	due = gdoi_ks_rekey_due(&cfg, 3, 1000, 1000, 4219);
	ck_assert(!due.tek);
	ck_assert_int_eq(due.tek_in, 1);
	due = gdoi_ks_rekey_due(&cfg, 3, 1000, 1000, 4220);
	ck_assert(due.tek && !due.kek);
	ck_assert_int_eq(due.tek_in, 0);
	/* late timers are still due */
	due = gdoi_ks_rekey_due(&cfg, 3, 1000, 1000, 9999);
	ck_assert(due.tek);

	/* after the TEK rekey at 4220, the next one is due 3220 s later */
	due = gdoi_ks_rekey_due(&cfg, 3, 4220, 1000, 4221);
	ck_assert(!due.tek);
	ck_assert_int_eq(due.tek_in, 3219);
	ck_assert_int_eq(due.kek_in, 86175 + 1000 - 4221);

	/* the KEK is due on its own */
	due = gdoi_ks_rekey_due(&cfg, 3, 86000, 1000, 87175);
	ck_assert(!due.tek && due.kek);

	/* more members bring a unicast rekey forward: 5 s per 50 */
	due = gdoi_ks_rekey_due(&cfg, 100, 1000, 1000, 1000);
	ck_assert_int_eq(due.tek_in, 3210);
	ck_assert_int_eq(due.kek_in, 86165);
	cfg.rekey = GDOI_REKEY_MULTICAST;
	due = gdoi_ks_rekey_due(&cfg, 100, 1000, 1000, 1000);
	ck_assert_int_eq(due.tek_in, 3220);
	ck_assert_int_eq(due.kek_in, 86180);
}
END_TEST

START_TEST(test_configured_leads)
{
	gdoi_group_cfg_t cfg;

	/* 3600 s, multicast, no retransmissions: GET VPN's leads */
	cfg = make_cfg(3600, 86400, GDOI_REKEY_MULTICAST, 0, 0);
	ck_assert_int_eq(gdoi_ks_tek_rekey_at(&cfg, 0), 3600 - 360);
	ck_assert_int_eq(gdoi_ks_kek_rekey_at(&cfg, 0), 86400 - 200);
	/* a head start of at least 600 s, and 1 h for the KEK */
	cfg.tek_rekey_lead = 600;
	cfg.kek_rekey_lead = 3600;
	ck_assert_int_eq(gdoi_ks_tek_rekey_at(&cfg, 0), 3600 - 600);
	ck_assert_int_eq(gdoi_ks_kek_rekey_at(&cfg, 0), 86400 - 3600);
	/* 10% of the lifetime still wins over a shorter minimum */
	cfg.tek_rekey_lead = 30;
	ck_assert_int_eq(gdoi_ks_tek_rekey_at(&cfg, 0), 3600 - 360);
}
END_TEST

Suite *lifecycle_suite_create()
{
	Suite *s;
	TCase *tc;

	s = suite_create("ks lifecycle");

	tc = tcase_create("rekey times");
	tcase_add_loop_test(tc, test_tek_rekey_at, 0, countof(tek_tests));
	tcase_add_loop_test(tc, test_kek_rekey_at, 0, countof(kek_tests));
	tcase_add_test(tc, test_rekey_due);
	tcase_add_test(tc, test_configured_leads);
	suite_add_tcase(s, tc);

	return s;
}
