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

#include <gdoi_settings.h>

/**
 * Options of the test plugin in settings syntax
 */
#define CONF(x) "gdoitest { plugins { gdoi-test { " x " } } }"

static uint32_t margin, tries;
static bool close_ike;

static gdoi_option_t options[] = {
	{ "margin", GDOI_OPT_TIME, &margin, 1, 3600 },
	{ "tries", GDOI_OPT_UINT, &tries, 1, 10 },
	{ "close_ike_sa", GDOI_OPT_BOOL, &close_ike },
};

/**
 * Load settings text, reset the defaults and read the options
 */
static bool load(char *conf)
{
	margin = 30;
	tries = 3;
	close_ike = TRUE;
	ck_assert(lib->settings->load_string(lib->settings, conf, FALSE));
	return gdoi_settings_load("gdoitest", "gdoi-test", options,
							  countof(options));
}

START_TEST(test_defaults)
{
	ck_assert(load("other { margin = 1 }"));
	ck_assert_int_eq(margin, 30);
	ck_assert_int_eq(tries, 3);
	ck_assert(close_ike);
}
END_TEST

START_TEST(test_values)
{
	ck_assert(load(CONF("margin = 2m\n tries = 10\n close_ike_sa = no")));
	ck_assert_int_eq(margin, 120);
	ck_assert_int_eq(tries, 10);
	ck_assert(!close_ike);

	ck_assert(load(CONF("margin = 1h\n tries = 1")));
	ck_assert_int_eq(margin, 3600);
	ck_assert_int_eq(tries, 1);
	ck_assert(close_ike);
}
END_TEST

/**
 * invalid values: each must fail the load
 */
static char *invalid[] = {
	"margin = 3O",
	"margin = 30x",
	"margin = -5",
	"margin = 0",
	"margin = 2h",
	"tries = 0",
	"tries = 11",
	"tries = -1",
	"tries = 4294967297",
	"tries = three",
	"tries = 3s",
	"close_ike_sa = maybe",
	"margin = \"\"",
};

START_TEST(test_invalid)
{
	char conf[128];

	snprintf(conf, sizeof(conf), CONF("%s"), invalid[_i]);
	ck_assert_msg(!load(conf), "accepted '%s'", invalid[_i]);
}
END_TEST

Suite *settings_suite_create()
{
	Suite *s;
	TCase *tc;

	s = suite_create("settings");

	tc = tcase_create("valid");
	tcase_add_test(tc, test_defaults);
	tcase_add_test(tc, test_values);
	suite_add_tcase(s, tc);

	tc = tcase_create("invalid");
	tcase_add_loop_test(tc, test_invalid, 0, countof(invalid));
	suite_add_tcase(s, tc);

	return s;
}
