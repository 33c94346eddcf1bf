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

#include <gdoi_timing.h>

/**
 * TEK rekey start on the KS: lifetime, retransmit time, members, unicast,
 * expected seconds after creation
 */
static struct {
	uint32_t lifetime;
	uint32_t retransmit;
	u_int members;
	bool unicast;
	uint32_t expected;
} tek_rekey[] = {
	/* GET VPN's worked example: 1000 GMs, T = 7200, 2 retransmits 60 s
	 * apart: 7200 - [720 + 120 + 100] = 6260 */
	{ 7200, 120, 1000, TRUE, 6260 },
	/* the members term does not apply to multicast rekeys */
	{ 7200, 120, 1000, FALSE, 6360 },
	/* head start max(10% of T, 90 s): T=3600 -> 360, T=800 and 200 -> 90 */
	{ 3600, 0, 0, TRUE, 3240 },
	{ 800, 0, 0, TRUE, 710 },
	{ 200, 0, 0, FALSE, 110 },
	/* members count in started blocks of 50: 49 -> 0, 50 -> 5 s */
	{ 3600, 0, 49, TRUE, 3240 },
	{ 3600, 0, 50, TRUE, 3235 },
	/* below 200 s the 90 s shrink to 45% of T: T=60 -> 27 s */
	{ 60, 0, 0, TRUE, 33 },
	{ 40, 2, 0, TRUE, 20 },
	/* a lead longer than the lifetime rekeys at once */
	{ 200, 120, 0, TRUE, 0 },
	/* no overflow with extreme values */
	{ UINT32_MAX, UINT32_MAX, UINT_MAX, TRUE, 0 },
};

START_TEST(test_tek_rekey_time)
{
	uint32_t t;

	t = gdoi_tek_rekey_time(tek_rekey[_i].lifetime, tek_rekey[_i].retransmit,
							tek_rekey[_i].members, tek_rekey[_i].unicast);
	ck_assert_int_eq(t, tek_rekey[_i].expected);
}
END_TEST

/**
 * KEK rekey start on the KS
 */
static struct {
	uint32_t lifetime;
	uint32_t retransmit;
	u_int members;
	bool unicast;
	uint32_t expected;
} kek_rekey[] = {
	/* default KEK lifetime, multicast: about 200 s before expiry */
	{ 86400, 0, 0, FALSE, 86200 },
	/* 86400 - (200 + 2 * 60 + 5 * (1 + 1000 / 50)) = 86400 - 425 */
	{ 86400, 120, 1000, TRUE, 85975 },
	/* unicast with no members still takes one block */
	{ 86400, 0, 0, TRUE, 86195 },
	/* below 500 s the 200 s shrink to 40% of T */
	{ 500, 0, 0, FALSE, 300 },
	{ 150, 0, 0, FALSE, 90 },
	{ 100, 2, 0, FALSE, 58 },
	/* a lead longer than the lifetime rekeys at once */
	{ 150, 100, 0, FALSE, 0 },
};

START_TEST(test_kek_rekey_time)
{
	uint32_t t;

	t = gdoi_kek_rekey_time(kek_rekey[_i].lifetime, kek_rekey[_i].retransmit,
							kek_rekey[_i].members, kek_rekey[_i].unicast);
	ck_assert_int_eq(t, kek_rekey[_i].expected);
}
END_TEST

START_TEST(test_tek_switch_time)
{
	ck_assert_int_eq(gdoi_tek_switch_time(3600, GDOI_TEK_SWITCH_MARGIN), 3570);
	ck_assert_int_eq(gdoi_tek_switch_time(200, GDOI_TEK_SWITCH_MARGIN), 170);
	/* below 200 s the margin shrinks to 15% of T */
	ck_assert_int_eq(gdoi_tek_switch_time(40, GDOI_TEK_SWITCH_MARGIN), 34);
	ck_assert_int_eq(gdoi_tek_switch_time(20, GDOI_TEK_SWITCH_MARGIN), 17);
	ck_assert_int_eq(gdoi_tek_switch_time(3600, 4000), 3060);
}
END_TEST

/**
 * GM re-registration windows for a TEK
 */
static struct {
	uint32_t lifetime;
	gdoi_window_t expected;
} tek_rereg[] = {
	/* T = 3600: R = 180, J = 72 -> [T - 252, T - 180] */
	{ 3600, { 3348, 3420 } },
	/* T = 200: R = 60, J = 6 -> [T - 66, T - 60] */
	{ 200, { 134, 140 } },
	/* T = 86400: R = 4320, J = 1728 */
	{ 86400, { 80352, 82080 } },
	/* below 200 s, R and J shrink to 30% and 3% of T */
	{ 63, { 44, 45 } },
	{ 40, { 27, 28 } },
	{ 30, { 21, 21 } },
};

START_TEST(test_tek_reregister_window)
{
	gdoi_window_t w;

	w = gdoi_tek_reregister_window(tek_rereg[_i].lifetime);
	ck_assert_int_eq(w.from, tek_rereg[_i].expected.from);
	ck_assert_int_eq(w.to, tek_rereg[_i].expected.to);
}
END_TEST

START_TEST(test_kek_reregister_window)
{
	gdoi_window_t w;

	w = gdoi_kek_reregister_window(86400);
	ck_assert_int_eq(w.from, 86400 - 190);
	ck_assert_int_eq(w.to, 86400 - 40);
	w = gdoi_kek_reregister_window(500);
	ck_assert_int_eq(w.from, 500 - 190);
	ck_assert_int_eq(w.to, 500 - 40);
	/* below 500 s: 38% and 8% of T */
	w = gdoi_kek_reregister_window(100);
	ck_assert_int_eq(w.from, 62);
	ck_assert_int_eq(w.to, 92);
}
END_TEST

START_TEST(test_window_pick)
{
	gdoi_window_t w = { 3348, 3420 };
	uint32_t i, t;

	ck_assert_int_eq(gdoi_window_pick(w, 0), 3348);
	ck_assert_int_eq(gdoi_window_pick(w, 72), 3420);
	ck_assert_int_eq(gdoi_window_pick(w, 73), 3348);
	for (i = 0; i < 1000; i++)
	{
		t = gdoi_window_pick(w, i * 2654435761U);
		ck_assert(t >= w.from && t <= w.to);
	}
	/* an empty or inverted window yields its start */
	ck_assert_int_eq(gdoi_window_pick((gdoi_window_t){ 5, 5 }, 99), 5);
	ck_assert_int_eq(gdoi_window_pick((gdoi_window_t){ 9, 2 }, 99), 9);
	/* the full range does not overflow */
	ck_assert_int_eq(gdoi_window_pick((gdoi_window_t){ 0, UINT32_MAX },
									  UINT32_MAX), UINT32_MAX);
}
END_TEST

START_TEST(test_registration_backoff)
{
	/* GET VPN: 70 -> 140 -> 280 -> 480 s (cap), then 480 forever */
	uint32_t expected[] = { 70, 140, 280, 480, 480, 480 };
	u_int pass;

	for (pass = 1; pass <= countof(expected); pass++)
	{
		ck_assert_int_eq(gdoi_registration_backoff(pass, GDOI_BACKOFF_BASE,
									GDOI_BACKOFF_MAX), expected[pass - 1]);
	}
	/* pass 0 is treated as the first, huge pass counts stay capped */
	ck_assert_int_eq(gdoi_registration_backoff(0, 70, 480), 70);
	ck_assert_int_eq(gdoi_registration_backoff(UINT_MAX, 70, 480), 480);
	ck_assert_int_eq(gdoi_registration_backoff(40, UINT32_MAX, UINT32_MAX),
					 UINT32_MAX);
	/* a base above the cap is capped */
	ck_assert_int_eq(gdoi_registration_backoff(1, 600, 480), 480);
}
END_TEST

Suite *timing_suite_create()
{
	Suite *s;
	TCase *tc;

	s = suite_create("timing");

	tc = tcase_create("ks rekey");
	tcase_add_loop_test(tc, test_tek_rekey_time, 0, countof(tek_rekey));
	tcase_add_loop_test(tc, test_kek_rekey_time, 0, countof(kek_rekey));
	suite_add_tcase(s, tc);

	tc = tcase_create("gm switch and re-registration");
	tcase_add_test(tc, test_tek_switch_time);
	tcase_add_loop_test(tc, test_tek_reregister_window, 0, countof(tek_rereg));
	tcase_add_test(tc, test_kek_reregister_window);
	tcase_add_test(tc, test_window_pick);
	suite_add_tcase(s, tc);

	tc = tcase_create("registration backoff");
	tcase_add_test(tc, test_registration_backoff);
	suite_add_tcase(s, tc);

	return s;
}
