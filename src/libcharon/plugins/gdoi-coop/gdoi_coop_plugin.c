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

#include "gdoi_coop_plugin.h"

#include <daemon.h>
#include <gdoi_settings.h>

typedef struct private_gdoi_coop_plugin_t private_gdoi_coop_plugin_t;
typedef struct coop_options_t coop_options_t;

/**
 * Options of the cooperative key server
 */
struct coop_options_t {

	/** priority in the election of the primary key server, higher wins */
	uint32_t priority;
};

/**
 * Private data of a gdoi_coop_plugin_t object.
 */
struct private_gdoi_coop_plugin_t {

	/**
	 * Public interface.
	 */
	gdoi_coop_plugin_t public;

	/**
	 * Options in effect
	 */
	coop_options_t options;
};

/**
 * Read and check the plugin's options, keep the current ones on error
 */
static bool load_options(coop_options_t *current)
{
	coop_options_t new = {
		.priority = 1,
	};
	gdoi_option_t options[] = {
		{ "priority", GDOI_OPT_UINT, &new.priority, 1, 255 },
	};

	if (!gdoi_settings_load(lib->ns, "gdoi-coop", options, countof(options)))
	{
		return FALSE;
	}
	*current = new;
	DBG2(DBG_CFG, "gdoi-coop: election priority %u", new.priority);
	return TRUE;
}

/**
 * Register or unregister the cooperative key server
 */
static bool plugin_cb(private_gdoi_coop_plugin_t *this,
					  plugin_feature_t *feature, bool reg, void *cb_data)
{
	if (reg)
	{
		return load_options(&this->options);
	}
	return TRUE;
}

METHOD(plugin_t, get_name, char*,
	private_gdoi_coop_plugin_t *this)
{
	return "gdoi-coop";
}

METHOD(plugin_t, get_features, int,
	private_gdoi_coop_plugin_t *this, plugin_feature_t *features[])
{
	static plugin_feature_t f[] = {
		PLUGIN_CALLBACK((plugin_feature_callback_t)plugin_cb, NULL),
			PLUGIN_PROVIDE(CUSTOM, "gdoi-coop"),
				PLUGIN_DEPENDS(CUSTOM, "gdoi-ks"),
	};
	*features = f;
	return countof(f);
}

METHOD(plugin_t, reload, bool,
	private_gdoi_coop_plugin_t *this)
{
	return load_options(&this->options);
}

METHOD(plugin_t, destroy, void,
	private_gdoi_coop_plugin_t *this)
{
	free(this);
}

/*
 * See header
 */
PLUGIN_DEFINE(gdoi_coop)
{
	private_gdoi_coop_plugin_t *this;

	INIT(this,
		.public = {
			.plugin = {
				.get_name = _get_name,
				.get_features = _get_features,
				.reload = _reload,
				.destroy = _destroy,
			},
		},
	);

	return &this->public.plugin;
}
