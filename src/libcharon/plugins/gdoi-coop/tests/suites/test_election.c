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

#include <gdoi_coop_election.h>

/**
 * Elections: up to four key servers (address, priority), and the index
 * of the expected primary
 */
static struct {
	struct {
		char *address;
		uint8_t priority;
	} ks[4];
	int expected;
} elections[] = {
	/* highest priority wins, whatever the address */
	{ {{ "192.0.2.1", 100 }, { "192.0.2.2", 50 }, { "192.0.2.3", 75 }}, 0 },
	{ {{ "192.0.2.9", 1 }, { "192.0.2.2", 200 }, { "192.0.2.3", 75 }}, 1 },
	/* equal priority: the highest address wins, compared numerically */
	{ {{ "192.0.2.10", 10 }, { "192.0.2.9", 10 }, { "192.0.2.2", 10 }}, 0 },
	{ {{ "10.0.0.1", 10 }, { "192.0.2.1", 10 }, { "172.16.0.1", 10 }}, 1 },
	/* IPv6 ranks above IPv4 on equal priority, not above a higher one */
	{ {{ "192.0.2.1", 10 }, { "2001:db8::1", 10 }, { "2001:db8::2", 10 }}, 2 },
	{ {{ "192.0.2.1", 11 }, { "2001:db8::1", 10 }}, 0 },
	/* a single key server elects itself */
	{ {{ "192.0.2.1", 1 }}, 0 },
};

START_TEST(test_elect)
{
	gdoi_coop_candidate_t candidates[4];
	int i, count = 0;

	for (i = 0; i < countof(elections[_i].ks) && elections[_i].ks[i].address;
		 i++)
	{
		candidates[i] = (gdoi_coop_candidate_t){
			.address = host_create_from_string(elections[_i].ks[i].address, 0),
			.priority = elections[_i].ks[i].priority,
		};
		count++;
	}
	ck_assert_int_eq(gdoi_coop_elect(candidates, count), elections[_i].expected);
	/* the order of the candidates does not matter */
	for (i = 0; i < count / 2; i++)
	{
		gdoi_coop_candidate_t tmp = candidates[i];

		candidates[i] = candidates[count - 1 - i];
		candidates[count - 1 - i] = tmp;
	}
	ck_assert_int_eq(gdoi_coop_elect(candidates, count),
					 count - 1 - elections[_i].expected);
	for (i = 0; i < count; i++)
	{
		candidates[i].address->destroy(candidates[i].address);
	}
}
END_TEST

START_TEST(test_elect_none)
{
	ck_assert_int_eq(gdoi_coop_elect(NULL, 0), -1);
}
END_TEST

START_TEST(test_rank_equal)
{
	gdoi_coop_candidate_t a = {
		.address = host_create_from_string("192.0.2.1", 0),
		.priority = 5,
	}, b = {
		.address = host_create_from_string("192.0.2.1", 848),
		.priority = 5,
	};

	ck_assert_int_eq(gdoi_coop_rank(&a, &b), 0);
	a.address->destroy(a.address);
	b.address->destroy(b.address);
}
END_TEST

START_TEST(test_no_preemption)
{
	gdoi_coop_candidate_t low = {
		.address = host_create_from_string("192.0.2.1", 0),
		.priority = 10,
	}, high = {
		.address = host_create_from_string("192.0.2.2", 0),
		.priority = 200,
	};

	/* a higher-ranked secondary does not take over from a live primary */
	ck_assert_int_eq(gdoi_coop_primary_seen(GDOI_COOP_SECONDARY, &high, &low),
					 GDOI_COOP_SECONDARY);
	/* a primary keeps its role when a lower-ranked one claims it ... */
	ck_assert_int_eq(gdoi_coop_primary_seen(GDOI_COOP_PRIMARY, &high, &low),
					 GDOI_COOP_PRIMARY);
	/* ... and steps down for a higher-ranked primary (after a merge) */
	ck_assert_int_eq(gdoi_coop_primary_seen(GDOI_COOP_PRIMARY, &low, &high),
					 GDOI_COOP_SECONDARY);
	ck_assert_int_eq(gdoi_coop_primary_seen(GDOI_COOP_SECONDARY, &low, &high),
					 GDOI_COOP_SECONDARY);
	low.address->destroy(low.address);
	high.address->destroy(high.address);
}
END_TEST

Suite *election_suite_create()
{
	Suite *s;
	TCase *tc;

	s = suite_create("coop election");

	tc = tcase_create("elect");
	tcase_add_loop_test(tc, test_elect, 0, countof(elections));
	tcase_add_test(tc, test_elect_none);
	tcase_add_test(tc, test_rank_equal);
	suite_add_tcase(s, tc);

	tc = tcase_create("roles");
	tcase_add_test(tc, test_no_preemption);
	suite_add_tcase(s, tc);

	return s;
}
