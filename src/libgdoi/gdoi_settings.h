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

/**
 * @defgroup gdoi_settings gdoi_settings
 * @{ @ingroup libgdoi
 *
 * Strict reading of the gdoi plugins' strongswan.conf options.
 *
 * strongSwan's typed getters fall back to the default on a value they
 * cannot parse. A network engineer who writes "rekey_margin = 3O" (letter
 * O) should be told instead: each option here is described in a table with
 * its type and range, and a value that does not parse or is out of range
 * fails the load with a log line naming the option.
 */

#ifndef GDOI_SETTINGS_H_
#define GDOI_SETTINGS_H_

#include <library.h>

typedef struct gdoi_option_t gdoi_option_t;
typedef enum gdoi_option_type_t gdoi_option_type_t;

/**
 * Type of an option value.
 */
enum gdoi_option_type_t {
	/** a time (s, m, h, d suffixes), stored as uint32_t seconds */
	GDOI_OPT_TIME,
	/** an unsigned number, stored as uint32_t */
	GDOI_OPT_UINT,
	/** yes/no, stored as bool */
	GDOI_OPT_BOOL,
};

/**
 * Description of one option.
 */
struct gdoi_option_t {

	/** name below <ns>.plugins.<plugin> */
	char *name;

	/** type of the value and of *value */
	gdoi_option_type_t type;

	/** where the value is stored; holds the default on entry */
	void *value;

	/** smallest accepted value (numbers and times) */
	uint32_t min;

	/** largest accepted value (numbers and times) */
	uint32_t max;
};

/**
 * Read the options of a plugin.
 *
 * Options that are not set keep the default found in *value. On error, the
 * values already read are kept and the rest are left untouched.
 *
 * @param ns			namespace, usually lib->ns
 * @param plugin		plugin name, e.g. "gdoi-ks"
 * @param options		table of options
 * @param count			number of options in the table
 * @return				FALSE if a value is invalid or out of range (logged)
 */
bool gdoi_settings_load(const char *ns, const char *plugin,
						gdoi_option_t *options,
						int count);

#endif /** GDOI_SETTINGS_H_ @}*/
