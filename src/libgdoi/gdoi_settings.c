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

#include "gdoi_settings.h"

#include <utils/debug.h>

/**
 * Parse a value of the given type, FALSE if it does not parse
 */
static bool parse(gdoi_option_type_t type, char *str, uint64_t *out)
{
	uint64_t a, b;

	if (type != GDOI_OPT_BOOL && strchr(str, '-'))
	{	/* strtoull() would wrap negative numbers around */
		return FALSE;
	}
	/* the library's parsers return the default on error: a value is valid
	 * if the result does not depend on the default */
	switch (type)
	{
		case GDOI_OPT_TIME:
			a = settings_value_as_time(str, 0);
			b = settings_value_as_time(str, 1);
			break;
		case GDOI_OPT_UINT:
			a = settings_value_as_uint64(str, 0);
			b = settings_value_as_uint64(str, 1);
			break;
		case GDOI_OPT_BOOL:
			a = settings_value_as_bool(str, FALSE);
			b = settings_value_as_bool(str, TRUE);
			break;
		default:
			return FALSE;
	}
	*out = a;
	return a == b;
}

/*
 * Described in header
 */
bool gdoi_settings_load(const char *ns, const char *plugin,
						gdoi_option_t *options,
						int count)
{
	gdoi_option_t *opt;
	uint64_t value;
	char *str;
	int i;

	for (i = 0; i < count; i++)
	{
		opt = &options[i];
		str = lib->settings->get_str(lib->settings, "%s.plugins.%s.%s", NULL,
									 ns, plugin, opt->name);
		if (!str)
		{
			continue;
		}
		if (!parse(opt->type, str, &value))
		{
			DBG1(DBG_CFG, "%s: invalid value '%s' for option %s.plugins.%s.%s",
				 plugin, str, ns, plugin, opt->name);
			return FALSE;
		}
		if (opt->type == GDOI_OPT_BOOL)
		{
			*(bool*)opt->value = value;
			continue;
		}
		if (value < opt->min || value > opt->max)
		{
			DBG1(DBG_CFG, "%s: option %s.plugins.%s.%s = %s is out of range "
				 "[%u, %u]", plugin, ns, plugin, opt->name, str, opt->min,
				 opt->max);
			return FALSE;
		}
		*(uint32_t*)opt->value = value;
	}
	return TRUE;
}
